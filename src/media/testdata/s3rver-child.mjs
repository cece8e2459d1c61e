// A local S3 server (s3rver) for the S3 media store test, in a process of its own: s3rver's listing
// tokens use DES, which Node's OpenSSL 3 offers only with --openssl-legacy-provider (the test passes it).
// Prints `{"port":N}` once listening; exits when its parent goes away.
import S3rver from 's3rver';

const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.argv[2], configureBuckets: [{ name: process.argv[3] ?? 'jarida-media' }] });
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.stdin.resume();
process.stdin.on('end', () => server.close().then(() => process.exit(0)));
