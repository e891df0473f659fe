//! Shared helpers for the side-by-side benchmarks: timing, a deterministic
//! random sequence, and a table printer that shows Chorus / SQLite ratios.

use std::time::{Duration, Instant};

/// A small deterministic PRNG (xorshift64*), so both engines see the same keys.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// Run `f` once and return its wall time.
pub fn time<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let t = Instant::now();
    let r = f();
    (t.elapsed(), r)
}

/// One workload's result on both engines.
pub struct Line {
    pub name: String,
    pub ops: u64,
    pub chorus: Duration,
    pub sqlite: Duration,
}

/// Print the results as a table with ops/s and the ratio Chorus time / SQLite time.
pub fn report(title: &str, lines: &[Line]) {
    println!("\n{title}");
    println!(
        "{:<44} {:>14} {:>14} {:>10}",
        "workload", "chorus ops/s", "sqlite ops/s", "ratio"
    );
    for l in lines {
        let rate = |d: Duration| l.ops as f64 / d.as_secs_f64().max(1e-9);
        println!(
            "{:<44} {:>14.0} {:>14.0} {:>9.2}x",
            l.name,
            rate(l.chorus),
            rate(l.sqlite),
            l.chorus.as_secs_f64() / l.sqlite.as_secs_f64().max(1e-9)
        );
    }
    println!("(ratio = Chorus time / SQLite time; below 1.00 means Chorus is faster)");
}

/// Row count from the command line (`--rows N`) or the default.
pub fn arg_rows(default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.windows(2)
        .find(|w| w[0] == "--rows")
        .and_then(|w| w[1].parse().ok())
        .unwrap_or(default)
}

/// CPU time (user + system) of this process, finished threads included,
/// in nanoseconds: steadier than wall time on a loaded machine.
#[cfg(target_os = "linux")]
pub fn cpu_ns() -> u64 {
    #[repr(C)]
    struct TimeVal {
        sec: i64,
        usec: i64,
    }
    #[repr(C)]
    struct RUsage {
        utime: TimeVal,
        stime: TimeVal,
        rest: [i64; 14],
    }
    extern "C" {
        fn getrusage(who: i32, usage: *mut RUsage) -> i32;
    }
    let mut u = RUsage {
        utime: TimeVal { sec: 0, usec: 0 },
        stime: TimeVal { sec: 0, usec: 0 },
        rest: [0; 14],
    };
    // SAFETY: getrusage(RUSAGE_SELF = 0) fills the struct, laid out as
    // Linux's `struct rusage` on 64-bit targets.
    if unsafe { getrusage(0, &mut u) } != 0 {
        return 0;
    }
    let t = |v: &TimeVal| v.sec as u64 * 1_000_000_000 + v.usec as u64 * 1000;
    t(&u.utime) + t(&u.stime)
}

#[cfg(not(target_os = "linux"))]
pub fn cpu_ns() -> u64 {
    0
}
