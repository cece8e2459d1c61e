/** HTTP errors a handler throws; the app turns them into 4xx pages in the site's look. */

export type HttpErrorKind = 'badRequest' | 'notFound';

/** A request the site answers with a 4xx page; `detail` names what was wrong. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: 400 | 404,
    readonly detail?: string,
  ) {
    super(detail ?? (statusCode === 400 ? 'bad request' : 'not found'));
    this.name = 'HttpError';
  }
}

/** Returns a 404 error. */
export const notFound = (detail?: string) => new HttpError(404, detail);
/** Returns a 400 error naming the bad part. */
export const badRequest = (detail: string) => new HttpError(400, detail);
