/**
 * A local file as a byte stream, read in chunks of `chunkBytes` with fs.read. It replaces
 * fs.createReadStream for the CLI's inputs because that one loads Node's fs streams and, through
 * them, fs/promises, readline and the file watchers: about 2 ms of a `parse` start-up that needs
 * none of them (docs/scaling.md).
 *
 * The file is opened at once, so a missing or unreadable file throws here with fs's own message;
 * a read error (a directory, an I/O error) fails the stream. The descriptor is closed when the
 * stream ends or is destroyed, after any read in flight: closed sooner, its number could be given
 * to another file, which that read would then consume. A read's buffer is no larger than what the
 * file has left (at least 64 KiB, should it grow): a 1 MiB chunk for each read of a small file,
 * the last one included, made a backfill of thousands of them mostly garbage collection.
 */
import { close, fstatSync, openSync, read } from 'node:fs';
import { Readable } from 'node:stream';

const MIN_READ = 64 * 1024;

export function fileStream(path: string, chunkBytes: number): Readable {
  const fd = openSync(path, 'r');
  const stats = fstatSync(fd);
  // Bytes the file has left to read (a pipe or device: unknown).
  let left = stats.isFile() ? stats.size : Infinity;
  let reading = false;
  let closeAfterRead: (() => void) | undefined;
  return new Readable({
    highWaterMark: chunkBytes,
    read() {
      const buf = Buffer.allocUnsafe(Math.min(chunkBytes, Math.max(left, MIN_READ)));
      reading = true;
      read(fd, buf, 0, buf.length, null, (err, n) => {
        reading = false;
        if (!err) left -= n;
        if (closeAfterRead) closeAfterRead();
        else if (err) this.destroy(err);
        else this.push(n === 0 ? null : buf.subarray(0, n));
      });
    },
    destroy(err, done) {
      const closeFd = () => close(fd, (closeErr) => done(err ?? closeErr));
      if (reading) closeAfterRead = closeFd;
      else closeFd();
    },
  });
}
