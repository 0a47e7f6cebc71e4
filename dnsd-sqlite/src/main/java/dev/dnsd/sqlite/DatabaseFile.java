package dev.dnsd.sqlite;

import dev.dnsd.store.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * The database file before SQLite touches it, and the claim on it. Every check that can refuse a
 * file runs here on plain reads, so a refused file is left byte for byte as it was.
 *
 * <p>One dnsd process at a time: the claim is an OS lock on {@code FILE.lock}, released by the OS
 * when the process dies, so a killed server never leaves a stale claim. The lock is on a separate
 * file because SQLite's own POSIX locks on the database would be dropped when this process closed
 * any other descriptor of it. The lock file stays after close: deleting it would let two processes
 * each lock a different inode of the same name.
 */
final class DatabaseFile implements AutoCloseable {
  private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER_SIZE = 100;

  private final Path path;
  private final FileChannel lockChannel;
  private final FileLock lock;
  /** The file the store opened, as the OS names it (device and inode); null where it has no key. */
  private volatile @Nullable Object identity;

  private DatabaseFile(Path path, FileChannel lockChannel, FileLock lock) {
    this.path = path;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Checks the file and claims it for this process.
   *
   * @throws StoreException naming the file when it is not a dnsd database this code can read, or
   *     another process holds it
   */
  static DatabaseFile claim(Path given) {
    Path path = resolve(given);
    checkHeader(path);
    Path lockPath = path.resolveSibling(path.getFileName() + ".lock");
    FileChannel channel;
    try {
      channel =
          FileChannel.open(
              lockPath, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw problem(path, "cannot be locked: cannot open " + lockPath + ": " + e, e);
    }
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        throw problem(path, "is already open in this process");
      }
      if (lock == null) {
        throw problem(
            path, "is in use by another dnsd process (" + holder(channel) + " holds " + lockPath + ")");
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              ("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
          0);
      return new DatabaseFile(path, channel, lock);
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      if (e instanceof StoreException se) {
        throw se;
      }
      throw problem(path, "cannot be locked through " + lockPath + ": " + e, e);
    }
  }

  /**
   * Checks an existing file for reading without claiming it.
   *
   * @return the file, absolute and with links resolved
   * @throws StoreException naming the file when there is none or it is not a dnsd database this
   *     code can read
   */
  static Path existing(Path given) {
    Path path = resolve(given);
    if (!Files.exists(path)) {
      throw problem(path, "does not exist");
    }
    checkHeader(path);
    return path;
  }

  Path path() {
    return path;
  }

  /** Remembers which file the path names now, once SQLite has opened (or created) it. */
  void pin() throws IOException {
    identity = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
  }

  /**
   * Checks that the path still names the file the store opened. SQLite keeps writing to a file
   * that was removed or replaced while open, and those writes are lost with it when it closes.
   *
   * @throws StoreException naming the path when the file is gone or another file took its name
   */
  void checkSameFile() {
    Object pinned = identity;
    if (pinned == null) {
      return; // a file system without file keys: nothing to compare
    }
    Object now;
    try {
      now = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      throw problem(path, "was removed while the store had it open: commits would be written to a"
          + " file that is gone, so none is acknowledged any more");
    } catch (IOException e) {
      throw problem(path, "can no longer be found (" + e + "): no commit is acknowledged any more", e);
    }
    if (!pinned.equals(now)) {
      throw problem(path, "was replaced by another file while the store had it open: commits would"
          + " be written to the file that was there, so none is acknowledged any more");
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // Closing the channel releases the lock too.
    }
    closeQuietly(lockChannel);
  }

  /** An error about this database file; every message starts by naming it. */
  static StoreException problem(Path path, String what) {
    return new StoreException("database " + path + " " + what);
  }

  static StoreException problem(Path path, String what, Throwable cause) {
    return new StoreException("database " + path + " " + what, cause);
  }

  /** Says what an SQLite error means for the file, in words a user can act on. */
  static StoreException failure(Path path, String doing, SQLException e) {
    String detail = e.getMessage();
    return switch (e.getErrorCode() & 0xff) {
      case 26 -> problem(path, "is not a SQLite database (" + detail + ")", e); // SQLITE_NOTADB
      case 11 -> problem(path, "is corrupt (" + detail + ")", e); // SQLITE_CORRUPT
      case 14 -> problem(path, "cannot be opened (" + detail + ")", e); // SQLITE_CANTOPEN
      case 5, 6 -> problem(path, "is locked by another program (" + detail + ")", e); // BUSY, LOCKED
      case 8 -> problem(path, "is read-only (" + detail + ")", e); // SQLITE_READONLY
      case 13 -> problem(path, "cannot grow: the disk is full (" + detail + ")", e); // SQLITE_FULL
      default -> problem(path, doing + ": " + detail, e);
    };
  }

  /** The absolute path with symbolic links resolved, so every name of one file gets one lock. */
  private static Path resolve(Path given) {
    Path path = given.toAbsolutePath().normalize();
    try {
      if (Files.exists(path)) {
        return path.toRealPath();
      }
      Path parent = path.getParent();
      if (parent == null || !Files.isDirectory(parent)) {
        throw problem(path, "cannot be created: no directory " + parent);
      }
      return parent.toRealPath().resolve(path.getFileName());
    } catch (IOException e) {
      throw problem(path, "cannot be resolved: " + e, e);
    }
  }

  private static void checkHeader(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    if (!Files.isRegularFile(path)) {
      throw problem(path, "is not a regular file");
    }
    byte[] header;
    try (InputStream in = Files.newInputStream(path)) {
      header = in.readNBytes(HEADER_SIZE);
    } catch (IOException e) {
      throw problem(path, "cannot be read: " + e, e);
    }
    if (header.length == 0) {
      return; // SQLite treats an empty file as a new database.
    }
    if (header.length < HEADER_SIZE || !startsWithMagic(header)) {
      throw problem(path, "is not a SQLite database");
    }
    ByteBuffer fields = ByteBuffer.wrap(header);
    checkIdentity(path, fields.getInt(68), fields.getInt(60), null);
  }

  /**
   * Refuses a database that belongs to another program or to a newer dnsd. Called on the raw
   * header and again through SQLite, which also sees a header that is still in the WAL.
   *
   * @param hasTables whether a database without our application id has tables; null when unknown
   */
  static void checkIdentity(
      Path path, int applicationId, int userVersion, @Nullable Boolean hasTables) {
    if (applicationId == Schema.APPLICATION_ID) {
      if (userVersion > Schema.VERSION) {
        throw problem(
            path,
            "was written by a newer dnsd (schema version " + userVersion
                + "; this dnsd reads up to version " + Schema.VERSION + ")");
      }
      return;
    }
    if (applicationId != 0) {
      throw problem(
          path,
          "belongs to another application (SQLite application_id 0x"
              + Integer.toHexString(applicationId) + "), not to dnsd");
    }
    if (userVersion != 0 || Boolean.TRUE.equals(hasTables)) {
      throw problem(path, "is a SQLite database but not a dnsd one");
    }
  }

  private static boolean startsWithMagic(byte[] header) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (header[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static String holder(FileChannel channel) {
    try {
      ByteBuffer buffer = ByteBuffer.allocate(64);
      channel.read(buffer, 0);
      String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
      return text.isEmpty() ? "another process" : text;
    } catch (IOException e) {
      return "another process";
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Nothing was written through it that matters.
    }
  }
}
