//! `.timer on`: wall-clock, user and system time of each SQL group.

use std::time::Instant;

pub struct Timer {
    start: Instant,
    user: f64,
    sys: f64,
}

fn cpu_times() -> (f64, f64) {
    // SAFETY: getrusage fills the zeroed struct.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    (tv(ru.ru_utime), tv(ru.ru_stime))
}

impl Timer {
    pub fn start() -> Timer {
        let (user, sys) = cpu_times();
        Timer {
            start: Instant::now(),
            user,
            sys,
        }
    }

    /// "Run Time: real 0.001 user 0.000123 sys 0.000000\n"
    pub fn report(&self) -> String {
        let (u, s) = cpu_times();
        format!(
            "Run Time: real {:.3} user {:.6} sys {:.6}\n",
            self.start.elapsed().as_secs_f64(),
            u - self.user,
            s - self.sys
        )
    }
}
