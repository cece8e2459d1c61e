/** Opening the media store the config names. */
import type { MediaSettings } from '../config.js';
import { FolderMediaFiles, type MediaFiles } from './files.js';
import { S3MediaFiles } from './s3.js';

/**
 * Returns the store the settings name: the bucket when there is one, else the folder.
 * @example const files = openMediaFiles(config.media); await files.get('ab12…-640.webp')
 */
export function openMediaFiles(settings: Pick<MediaSettings, 'dir' | 's3'>): MediaFiles {
  return settings.s3 ? new S3MediaFiles(settings.s3) : new FolderMediaFiles(settings.dir);
}
