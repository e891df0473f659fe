//! Ctrl-C handling. The SIGINT handler only counts the signal and writes one
//! byte to a pipe (both async-signal-safe); a watcher thread reads the pipe
//! and calls the current connection's interrupt handle, which makes the
//! running statement fail with "interrupted". A third Ctrl-C in a row ends
//! the program, as in sqlite3.

use crate::backend::InterruptHandle;
use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};
use std::sync::Mutex;

static SEEN: AtomicU32 = AtomicU32::new(0);
static PIPE_W: AtomicI32 = AtomicI32::new(-1);
static HANDLE: Mutex<Option<InterruptHandle>> = Mutex::new(None);

extern "C" fn on_sigint(_sig: libc::c_int) {
    let n = SEEN.fetch_add(1, Ordering::SeqCst) + 1;
    if n > 2 {
        // SAFETY: _exit is async-signal-safe.
        unsafe { libc::_exit(1) };
    }
    let fd = PIPE_W.load(Ordering::SeqCst);
    if fd >= 0 {
        let b = [1u8];
        // SAFETY: write(2) is async-signal-safe; fd is our pipe.
        unsafe { libc::write(fd, b.as_ptr() as *const libc::c_void, 1) };
    }
}

/// Install the SIGINT handler and start the watcher thread.
pub fn install() {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: fds has room for two descriptors.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return;
    }
    PIPE_W.store(fds[1], Ordering::SeqCst);
    let rfd = fds[0];
    std::thread::spawn(move || loop {
        let mut b = [0u8; 1];
        // SAFETY: reading one byte from our pipe into a local buffer.
        let n = unsafe { libc::read(rfd, b.as_mut_ptr() as *mut libc::c_void, 1) };
        if n <= 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return;
        }
        if let Ok(g) = HANDLE.lock() {
            if let Some(h) = g.as_ref() {
                h();
            }
        }
    });
    // SAFETY: installing a handler that only does async-signal-safe work.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_sigint as extern "C" fn(libc::c_int) as usize;
        libc::sigemptyset(&mut sa.sa_mask);
        sa.sa_flags = libc::SA_RESTART;
        libc::sigaction(libc::SIGINT, &sa, std::ptr::null_mut());
    }
}

/// The connection Ctrl-C should interrupt (None when no database is open).
pub fn set_handle(h: Option<InterruptHandle>) {
    if let Ok(mut g) = HANDLE.lock() {
        *g = h;
    }
}

/// Whether Ctrl-C was pressed since the last `clear`.
pub fn seen() -> bool {
    SEEN.load(Ordering::SeqCst) > 0
}

pub fn clear() {
    SEEN.store(0, Ordering::SeqCst);
}
