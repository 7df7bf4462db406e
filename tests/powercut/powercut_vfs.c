/* A test VFS for power cuts, registered as the default VFS of the SQLite library that
 * Python's sqlite3 module itself uses, so the store's own statements run through it.
 *
 * Every file passes through to the real VFS. What survives a power cut is what was
 * synced: after each successful xSync the file's whole content is copied to
 * "<file>.durable" (written beside it, then renamed). powercut_arm(k) cuts the power at
 * the k-th write, truncate or sync: from then on every I/O call fails and changes
 * nothing. The test then puts each file back as it was at its last sync (no sync: the
 * file is lost), as the disk would have it after the power came back. */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    sqlite3_file base;
    const char *path; /* owned by SQLite for the file's life */
    sqlite3_file *real;
} CutFile;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs cut_vfs;
static sqlite3_io_methods cut_methods;
static long operations, cut_at = -1;
static int power_off;

static int spend(void) {
    if (power_off) {
        return 1;
    }
    operations++;
    if (cut_at >= 0 && operations >= cut_at) {
        power_off = 1;
    }
    return power_off;
}

static int copy_durably(const char *path) {
    char durable[4096], partial[4096];
    snprintf(durable, sizeof durable, "%s.durable", path);
    snprintf(partial, sizeof partial, "%s.durable.partial", path);
    int in = open(path, O_RDONLY), out = open(partial, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0) {
        if (in >= 0) close(in);
        if (out >= 0) close(out);
        return SQLITE_IOERR_FSYNC;
    }
    char buffer[65536];
    ssize_t got;
    int ok = 1;
    while ((got = read(in, buffer, sizeof buffer)) > 0) {
        if (write(out, buffer, (size_t)got) != got) {
            ok = 0;
            break;
        }
    }
    ok = ok && got == 0;
    close(in);
    close(out);
    if (!ok || rename(partial, durable) != 0) {
        return SQLITE_IOERR_FSYNC;
    }
    return SQLITE_OK;
}

static int cut_close(sqlite3_file *file) {
    CutFile *f = (CutFile *)file;
    return f->real->pMethods->xClose(f->real);
}
static int cut_read(sqlite3_file *file, void *data, int amount, sqlite3_int64 offset) {
    CutFile *f = (CutFile *)file;
    if (power_off) return SQLITE_IOERR_READ;
    return f->real->pMethods->xRead(f->real, data, amount, offset);
}
static int cut_write(sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset) {
    CutFile *f = (CutFile *)file;
    if (spend()) return SQLITE_IOERR_WRITE;
    return f->real->pMethods->xWrite(f->real, data, amount, offset);
}
static int cut_truncate(sqlite3_file *file, sqlite3_int64 size) {
    CutFile *f = (CutFile *)file;
    if (spend()) return SQLITE_IOERR_TRUNCATE;
    return f->real->pMethods->xTruncate(f->real, size);
}
static int cut_sync(sqlite3_file *file, int flags) {
    CutFile *f = (CutFile *)file;
    if (spend()) return SQLITE_IOERR_FSYNC;
    int rc = f->real->pMethods->xSync(f->real, flags);
    if (rc == SQLITE_OK && f->path != NULL) {
        rc = copy_durably(f->path);
    }
    return rc;
}
static int cut_file_size(sqlite3_file *file, sqlite3_int64 *size) {
    CutFile *f = (CutFile *)file;
    return f->real->pMethods->xFileSize(f->real, size);
}
static int cut_lock(sqlite3_file *file, int level) {
    CutFile *f = (CutFile *)file;
    return f->real->pMethods->xLock(f->real, level);
}
static int cut_unlock(sqlite3_file *file, int level) {
    CutFile *f = (CutFile *)file;
    return f->real->pMethods->xUnlock(f->real, level);
}
static int cut_check_reserved(sqlite3_file *file, int *out) {
    CutFile *f = (CutFile *)file;
    return f->real->pMethods->xCheckReservedLock(f->real, out);
}
static int cut_file_control(sqlite3_file *file, int op, void *arg) {
    CutFile *f = (CutFile *)file;
    return f->real->pMethods->xFileControl(f->real, op, arg);
}
static int cut_sector_size(sqlite3_file *file) {
    CutFile *f = (CutFile *)file;
    return f->real->pMethods->xSectorSize(f->real);
}
static int cut_device(sqlite3_file *file) {
    CutFile *f = (CutFile *)file;
    return f->real->pMethods->xDeviceCharacteristics(f->real);
}
static int cut_shm_map(sqlite3_file *file, int page, int size, int extend, void volatile **out) {
    CutFile *f = (CutFile *)file;
    return f->real->pMethods->xShmMap(f->real, page, size, extend, out);
}
static int cut_shm_lock(sqlite3_file *file, int offset, int n, int flags) {
    CutFile *f = (CutFile *)file;
    return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}
static void cut_shm_barrier(sqlite3_file *file) {
    CutFile *f = (CutFile *)file;
    f->real->pMethods->xShmBarrier(f->real);
}
static int cut_shm_unmap(sqlite3_file *file, int delete_flag) {
    CutFile *f = (CutFile *)file;
    return f->real->pMethods->xShmUnmap(f->real, delete_flag);
}
static int cut_fetch(sqlite3_file *file, sqlite3_int64 offset, int amount, void **out) {
    CutFile *f = (CutFile *)file;
    *out = 0; /* no memory mapping: every read goes through xRead */
    (void)f, (void)offset, (void)amount;
    return SQLITE_OK;
}
static int cut_unfetch(sqlite3_file *file, sqlite3_int64 offset, void *page) {
    (void)file, (void)offset, (void)page;
    return SQLITE_OK;
}

static int cut_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out) {
    CutFile *f = (CutFile *)file;
    (void)vfs;
    f->real = (sqlite3_file *)&f[1];
    f->path = name;
    int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out);
    f->base.pMethods = f->real->pMethods ? &cut_methods : NULL;
    return rc;
}

static int cut_delete(sqlite3_vfs *vfs, const char *name, int sync_dir) {
    (void)vfs;
    if (spend()) return SQLITE_IOERR_DELETE;
    char durable[4096];
    snprintf(durable, sizeof durable, "%s.durable", name);
    unlink(durable); /* a deleted file stays deleted */
    return real_vfs->xDelete(real_vfs, name, sync_dir);
}

int powercut_register(void) {
    real_vfs = sqlite3_vfs_find(NULL);
    if (real_vfs == NULL) return SQLITE_ERROR;
    cut_vfs = *real_vfs;
    cut_vfs.zName = "powercut";
    cut_vfs.szOsFile = (int)sizeof(CutFile) + real_vfs->szOsFile;
    cut_vfs.xOpen = cut_open;
    cut_vfs.xDelete = cut_delete;
    cut_vfs.pNext = NULL;
    cut_methods = (sqlite3_io_methods){
        3, cut_close, cut_read, cut_write, cut_truncate, cut_sync, cut_file_size, cut_lock,
        cut_unlock, cut_check_reserved, cut_file_control, cut_sector_size, cut_device,
        cut_shm_map, cut_shm_lock, cut_shm_barrier, cut_shm_unmap, cut_fetch, cut_unfetch,
    };
    return sqlite3_vfs_register(&cut_vfs, 1);
}

const char *powercut_default_vfs(void) {
    return sqlite3_vfs_find(NULL)->zName;
}

void powercut_arm(long at) {
    operations = 0;
    cut_at = at;
    power_off = 0;
}

long powercut_operations(void) {
    return operations;
}

int powercut_is_off(void) {
    return power_off;
}

int powercut_unregister(void) {
    return sqlite3_vfs_unregister(&cut_vfs);
}
