//! Least privilege for the compute worker.
//!
//! A job's kernel is untrusted code, and on PoCL it is compiled to native code that runs in
//! the worker process. Before the worker opens the device, it confines itself:
//!
//! - **no new privileges** (`PR_SET_NO_NEW_PRIVS`): nothing it executes gains rights, and
//!   the two layers below cannot be undone;
//! - **files** (Landlock): it may read and execute the system's software and settings
//!   (`/usr`, `/lib`, `/etc`, `/opt`, ...), read `/sys`, its own `/proc/<pid>` and the
//!   system-wide files of `/proc` drivers read (`PROC_FILES`), open existing device
//!   nodes under `/dev` (a GPU's), and read and write its own scratch directory, where the
//!   executor points the drivers' caches and temporary files. Nothing else: not the node's
//!   base path, so not its keystore, its database or its off-chain storage; not another
//!   process's `/proc` entries (`/proc/<node>/mem` is the node's memory, keys included); no
//!   file is created outside the scratch directory;
//! - **system calls** (seccomp), denied by default: an allow-list of what a compiler and a
//!   driver need (`ALLOWED_SYSCALLS`). Not allowed: sockets (so no network and no
//!   connection to the node's RPC), tracing or reading other processes' memory, signals
//!   or limits aimed at any process but the worker (`kill(getppid(), ...)`), `io_uring`
//!   (whose operations would bypass the filter), pidfds, System V IPC, mounts, namespaces,
//!   keyrings, BPF, perf. Denied calls fail with `EACCES`; drivers see an error, not a
//!   crash.
//!
//! Both layers are Linux features. [`confine`] enforces what the kernel supports and says
//! what it enforced; the worker logs it, and [`Confinement::is_complete`] is what the tests
//! require on this project's machines.

use std::path::{Path, PathBuf};

/// The variable through which the executor gives the worker its scratch directory.
pub const SCRATCH_ENV: &str = "DEPIN_COMPUTE_SCRATCH";

/// Directories the worker may read and execute from, when they exist.
const SYSTEM_DIRS: &[&str] = &["/usr", "/lib", "/lib32", "/lib64", "/bin", "/sbin", "/etc", "/opt"];

/// Directories the worker may read (kernel and driver state).
const STATE_DIRS: &[&str] = &["/sys"];

/// What of `/proc` the worker may read: its own entries (`/proc/self`, resolved when the
/// rules are made, is the worker's `/proc/<pid>`) and the system-wide files compilers and
/// drivers read. Not other processes' entries.
const PROC_FILES: &[&str] = &[
	"/proc/self",
	"/proc/cpuinfo",
	"/proc/meminfo",
	"/proc/stat",
	"/proc/version",
	"/proc/filesystems",
	"/proc/devices",
	"/proc/modules",
	"/proc/sys",
	"/proc/driver",
];

/// Where device nodes live: existing files there may be opened for writing too (a GPU).
const DEVICE_DIR: &str = "/dev";

/// What [`confine`] enforced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Confinement {
	/// `PR_SET_NO_NEW_PRIVS` is set.
	pub no_new_privileges: bool,
	/// The file rules are fully enforced (the kernel has Landlock with every right asked).
	pub files: bool,
	/// The system-call filter is installed.
	pub system_calls: bool,
}

impl Confinement {
	/// Whether every layer is in force.
	pub fn is_complete(&self) -> bool {
		self.no_new_privileges && self.files && self.system_calls
	}
}

/// The environment that points the drivers' caches and temporary files into `scratch`,
/// for the executor to give the worker process.
pub fn scratch_env(scratch: &Path) -> Vec<(&'static str, PathBuf)> {
	vec![
		(SCRATCH_ENV, scratch.to_path_buf()),
		("HOME", scratch.to_path_buf()),
		("TMPDIR", scratch.join("tmp")),
		("XDG_CACHE_HOME", scratch.join("cache")),
		("POCL_CACHE_DIR", scratch.join("pocl")),
		("CUDA_CACHE_PATH", scratch.join("nv")),
	]
}

/// Creates the directories [`scratch_env`] points at.
pub fn prepare_scratch(scratch: &Path) -> std::io::Result<()> {
	for (_, dir) in scratch_env(scratch) {
		std::fs::create_dir_all(dir)?;
	}
	Ok(())
}

/// Confines the calling process (and every thread and child it starts afterwards) to
/// `scratch`, as the module docs describe. Irreversible. An error means a layer the kernel
/// supports could not be installed.
#[cfg(target_os = "linux")]
pub fn confine(scratch: &Path) -> Result<Confinement, String> {
	let files = restrict_files(scratch)?;
	let no_new_privileges = no_new_privileges()?;
	let system_calls = restrict_system_calls()?;
	Ok(Confinement { no_new_privileges, files, system_calls })
}

/// Outside Linux nothing is enforced.
#[cfg(not(target_os = "linux"))]
pub fn confine(_scratch: &Path) -> Result<Confinement, String> {
	Ok(Confinement { no_new_privileges: false, files: false, system_calls: false })
}

#[cfg(target_os = "linux")]
fn no_new_privileges() -> Result<bool, String> {
	// SAFETY: `prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)` takes no pointers.
	let r = unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) };
	if r != 0 {
		return Err(format!("PR_SET_NO_NEW_PRIVS: {}", std::io::Error::last_os_error()));
	}
	Ok(true)
}

#[cfg(target_os = "linux")]
fn restrict_files(scratch: &Path) -> Result<bool, String> {
	use landlock::{
		path_beneath_rules, Access, AccessFs, Ruleset, RulesetAttr, RulesetCreatedAttr,
		RulesetStatus, ABI,
	};
	let abi = ABI::V5;
	let existing = |dirs: &[&str]| -> Vec<PathBuf> {
		dirs.iter().map(PathBuf::from).filter(|d| d.exists()).collect()
	};
	let read = AccessFs::from_read(abi);
	let devices = AccessFs::ReadFile | AccessFs::WriteFile | AccessFs::ReadDir | AccessFs::IoctlDev;
	let status = Ruleset::default()
		.handle_access(AccessFs::from_all(abi))
		.and_then(|r| r.create())
		.and_then(|r| r.add_rules(path_beneath_rules(existing(SYSTEM_DIRS), read)))
		.and_then(|r| {
			r.add_rules(path_beneath_rules(
				existing(STATE_DIRS).into_iter().chain(existing(PROC_FILES)),
				AccessFs::ReadFile | AccessFs::ReadDir,
			))
		})
		.and_then(|r| r.add_rules(path_beneath_rules(existing(&[DEVICE_DIR]), devices)))
		.and_then(|r| r.add_rules(path_beneath_rules([scratch], AccessFs::from_all(abi))))
		.and_then(|r| r.restrict_self())
		.map_err(|e| format!("landlock: {e}"))?;
	Ok(status.ruleset == RulesetStatus::FullyEnforced)
}

/// System calls the worker may make: what a process needs to run a compiler and a driver
/// (files, which Landlock limits; memory; threads; time; polling; device `ioctl`s; running
/// a system linker), and nothing that reaches another process, the network or the sandbox
/// itself. Everything else fails with `EACCES`: sockets, `ptrace` and cross-process memory,
/// `io_uring` (which would bypass this filter), pidfds, System V IPC, mounts, namespaces,
/// keyrings, BPF, perf. Calls that act on a process by its id are allowed on the worker
/// itself only ([`OWN_PROCESS_SYSCALLS`]).
#[cfg(target_os = "linux")]
const ALLOWED_SYSCALLS: &[libc::c_long] = &[
	// Files and descriptors.
	libc::SYS_read,
	libc::SYS_write,
	libc::SYS_readv,
	libc::SYS_writev,
	libc::SYS_pread64,
	libc::SYS_pwrite64,
	libc::SYS_preadv,
	libc::SYS_pwritev,
	libc::SYS_preadv2,
	libc::SYS_pwritev2,
	libc::SYS_openat,
	libc::SYS_openat2,
	libc::SYS_close,
	libc::SYS_close_range,
	libc::SYS_lseek,
	libc::SYS_fstat,
	libc::SYS_newfstatat,
	libc::SYS_statx,
	libc::SYS_statfs,
	libc::SYS_fstatfs,
	libc::SYS_faccessat,
	libc::SYS_faccessat2,
	libc::SYS_readlinkat,
	libc::SYS_getdents64,
	libc::SYS_fcntl,
	libc::SYS_dup,
	libc::SYS_dup3,
	libc::SYS_pipe2,
	libc::SYS_ioctl,
	libc::SYS_flock,
	libc::SYS_fsync,
	libc::SYS_fdatasync,
	libc::SYS_ftruncate,
	libc::SYS_fallocate,
	libc::SYS_mkdirat,
	libc::SYS_unlinkat,
	libc::SYS_renameat,
	libc::SYS_renameat2,
	libc::SYS_linkat,
	libc::SYS_symlinkat,
	libc::SYS_fchmod,
	libc::SYS_fchmodat,
	libc::SYS_utimensat,
	libc::SYS_getcwd,
	libc::SYS_chdir,
	libc::SYS_fchdir,
	libc::SYS_umask,
	libc::SYS_memfd_create,
	libc::SYS_copy_file_range,
	libc::SYS_sendfile,
	// Memory.
	libc::SYS_mmap,
	libc::SYS_munmap,
	libc::SYS_mprotect,
	libc::SYS_mremap,
	libc::SYS_madvise,
	libc::SYS_brk,
	libc::SYS_mlock,
	libc::SYS_munlock,
	libc::SYS_mincore,
	libc::SYS_msync,
	libc::SYS_membarrier,
	libc::SYS_get_mempolicy,
	libc::SYS_set_mempolicy,
	libc::SYS_mbind,
	// Threads, child processes (a linker), scheduling.
	libc::SYS_clone,
	libc::SYS_clone3,
	libc::SYS_execve,
	libc::SYS_execveat,
	libc::SYS_exit,
	libc::SYS_exit_group,
	libc::SYS_wait4,
	libc::SYS_waitid,
	libc::SYS_set_tid_address,
	libc::SYS_set_robust_list,
	libc::SYS_get_robust_list,
	libc::SYS_futex,
	libc::SYS_rseq,
	libc::SYS_sched_yield,
	libc::SYS_sched_getaffinity,
	libc::SYS_sched_setaffinity,
	libc::SYS_sched_getparam,
	libc::SYS_sched_getscheduler,
	libc::SYS_sched_setscheduler,
	libc::SYS_sched_getattr,
	libc::SYS_sched_get_priority_max,
	libc::SYS_sched_get_priority_min,
	libc::SYS_getpriority,
	libc::SYS_getcpu,
	libc::SYS_prctl,
	libc::SYS_getpid,
	libc::SYS_getppid,
	libc::SYS_gettid,
	libc::SYS_getuid,
	libc::SYS_geteuid,
	libc::SYS_getgid,
	libc::SYS_getegid,
	libc::SYS_getgroups,
	libc::SYS_getresuid,
	libc::SYS_getresgid,
	libc::SYS_capget,
	libc::SYS_getrlimit,
	libc::SYS_getrusage,
	libc::SYS_times,
	libc::SYS_sysinfo,
	libc::SYS_uname,
	// Signals within the worker.
	libc::SYS_rt_sigaction,
	libc::SYS_rt_sigprocmask,
	libc::SYS_rt_sigreturn,
	libc::SYS_rt_sigsuspend,
	libc::SYS_rt_sigtimedwait,
	libc::SYS_sigaltstack,
	// Time.
	libc::SYS_clock_gettime,
	libc::SYS_clock_getres,
	libc::SYS_clock_nanosleep,
	libc::SYS_nanosleep,
	libc::SYS_gettimeofday,
	// Waiting on descriptors.
	libc::SYS_ppoll,
	libc::SYS_pselect6,
	libc::SYS_epoll_create1,
	libc::SYS_epoll_ctl,
	libc::SYS_epoll_pwait,
	libc::SYS_epoll_pwait2,
	libc::SYS_eventfd2,
	libc::SYS_timerfd_create,
	libc::SYS_timerfd_settime,
	libc::SYS_timerfd_gettime,
	libc::SYS_getrandom,
];

/// The x86-64 forms of the calls above that newer architectures only have in their `at`
/// or `2` form.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
const ALLOWED_LEGACY_SYSCALLS: &[libc::c_long] = &[
	libc::SYS_open,
	libc::SYS_stat,
	libc::SYS_lstat,
	libc::SYS_access,
	libc::SYS_readlink,
	libc::SYS_getdents,
	libc::SYS_pipe,
	libc::SYS_dup2,
	libc::SYS_poll,
	libc::SYS_select,
	libc::SYS_mkdir,
	libc::SYS_rmdir,
	libc::SYS_unlink,
	libc::SYS_rename,
	libc::SYS_link,
	libc::SYS_symlink,
	libc::SYS_chmod,
	libc::SYS_fork,
	libc::SYS_vfork,
	libc::SYS_epoll_create,
	libc::SYS_epoll_wait,
	libc::SYS_eventfd,
	libc::SYS_time,
	libc::SYS_arch_prctl,
];

#[cfg(all(target_os = "linux", not(target_arch = "x86_64")))]
const ALLOWED_LEGACY_SYSCALLS: &[libc::c_long] = &[];

/// Calls that name a process by its id (argument 0): allowed when it is the worker itself
/// (`prlimit64` also with 0, itself), so that a kernel can neither signal the node
/// (`kill(getppid(), ...)`) nor change its limits.
#[cfg(target_os = "linux")]
const OWN_PROCESS_SYSCALLS: &[libc::c_long] = &[
	libc::SYS_kill,
	libc::SYS_tgkill,
	libc::SYS_rt_sigqueueinfo,
	libc::SYS_rt_tgsigqueueinfo,
	libc::SYS_prlimit64,
];

#[cfg(target_os = "linux")]
fn restrict_system_calls() -> Result<bool, String> {
	use seccompiler::{
		BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
		SeccompRule, TargetArch,
	};
	let arch = TargetArch::try_from(std::env::consts::ARCH)
		.map_err(|e| format!("seccomp: unsupported architecture: {e:?}"))?;
	let err = |e: seccompiler::BackendError| format!("seccomp: {e}");
	// Argument 0 equal to `value` (a pid: compared as the 32-bit value it is).
	let arg0_is = |value: u32| -> Result<SeccompRule, String> {
		let condition =
			SeccompCondition::new(0, SeccompCmpArgLen::Dword, SeccompCmpOp::Eq, value.into())
				.map_err(err)?;
		SeccompRule::new(vec![condition]).map_err(err)
	};
	let own = std::process::id();
	let mut rules: std::collections::BTreeMap<i64, Vec<SeccompRule>> = ALLOWED_SYSCALLS
		.iter()
		.chain(ALLOWED_LEGACY_SYSCALLS)
		.map(|call| (*call, Vec::new()))
		.collect();
	for call in OWN_PROCESS_SYSCALLS {
		let mut allowed = vec![arg0_is(own)?];
		if *call == libc::SYS_prlimit64 {
			allowed.push(arg0_is(0)?);
		}
		rules.insert(*call, allowed);
	}
	// Calls matching a rule are allowed; everything else fails with `EACCES`.
	let filter = SeccompFilter::new(
		rules,
		SeccompAction::Errno(libc::EACCES as u32),
		SeccompAction::Allow,
		arch,
	)
	.map_err(|e| format!("seccomp: {e}"))?;
	let program: BpfProgram = filter.try_into().map_err(|e| format!("seccomp: {e:?}"))?;
	seccompiler::apply_filter(&program).map_err(|e| format!("seccomp: {e}"))?;
	Ok(true)
}
