// Typed wrappers for libssh2's function-like macros, which Swift does not import,
// and OpenSSL's SHA-256 for host-key fingerprints (libssh2 already links libcrypto).
#ifndef VIGIL_CLIBSSH2_SHIM_H
#define VIGIL_CLIBSSH2_SHIM_H

#include <string.h>
#include <sys/socket.h>
#include <libssh2.h>
#include <libssh2_sftp.h>
#include <openssl/sha.h>

static inline LIBSSH2_SESSION *vigil_libssh2_session_init(void) {
    return libssh2_session_init_ex(NULL, NULL, NULL, NULL);
}

static inline int vigil_libssh2_session_disconnect(LIBSSH2_SESSION *session, const char *description) {
    return libssh2_session_disconnect_ex(session, SSH_DISCONNECT_BY_APPLICATION, description, "");
}

static inline int vigil_libssh2_userauth_publickey_fromfile(LIBSSH2_SESSION *session, const char *user,
                                                            const char *publicKey, const char *privateKey,
                                                            const char *passphrase) {
    return libssh2_userauth_publickey_fromfile_ex(session, user, (unsigned int)strlen(user),
                                                  publicKey, privateKey, passphrase);
}

static inline LIBSSH2_CHANNEL *vigil_libssh2_channel_open_session(LIBSSH2_SESSION *session) {
    return libssh2_channel_open_ex(session, "session", sizeof("session") - 1,
                                   LIBSSH2_CHANNEL_WINDOW_DEFAULT, LIBSSH2_CHANNEL_PACKET_DEFAULT, NULL, 0);
}

static inline int vigil_libssh2_channel_exec(LIBSSH2_CHANNEL *channel, const char *command, unsigned int length) {
    return libssh2_channel_process_startup(channel, "exec", sizeof("exec") - 1, command, length);
}

static inline int vigil_libssh2_channel_subsystem(LIBSSH2_CHANNEL *channel, const char *name) {
    return libssh2_channel_process_startup(channel, "subsystem", sizeof("subsystem") - 1, name, (unsigned int)strlen(name));
}

static inline ssize_t vigil_libssh2_channel_read(LIBSSH2_CHANNEL *channel, int stream, char *buffer, size_t length) {
    return libssh2_channel_read_ex(channel, stream, buffer, length);
}

static inline LIBSSH2_SFTP_HANDLE *vigil_libssh2_sftp_open(LIBSSH2_SFTP *sftp, const char *path, unsigned long flags, long mode) {
    return libssh2_sftp_open_ex(sftp, path, (unsigned int)strlen(path), flags, mode, LIBSSH2_SFTP_OPENFILE);
}

static inline int vigil_libssh2_sftp_close(LIBSSH2_SFTP_HANDLE *handle) {
    return libssh2_sftp_close_handle(handle);
}

static inline int vigil_libssh2_sftp_stat(LIBSSH2_SFTP *sftp, const char *path, LIBSSH2_SFTP_ATTRIBUTES *attributes) {
    return libssh2_sftp_stat_ex(sftp, path, (unsigned int)strlen(path), LIBSSH2_SFTP_STAT, attributes);
}

static inline int vigil_libssh2_sftp_fsetstat(LIBSSH2_SFTP_HANDLE *handle, LIBSSH2_SFTP_ATTRIBUTES *attributes) {
    return libssh2_sftp_fstat_ex(handle, attributes, 1);
}

static inline int vigil_libssh2_sftp_unlink(LIBSSH2_SFTP *sftp, const char *path) {
    return libssh2_sftp_unlink_ex(sftp, path, (unsigned int)strlen(path));
}

static inline void vigil_sha256(const unsigned char *data, size_t length, unsigned char *digest) {
    SHA256(data, length, digest);
}

#endif
