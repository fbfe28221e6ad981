//! Least privilege for the compute worker.
//!
//! A job's kernel is untrusted code, and on PoCL it is compiled to native code that runs in
//! the worker process. Before the worker opens the device, it confines itself:
//!
//! - **no new privileges** (`PR_SET_NO_NEW_PRIVS`): nothing it executes gains rights, and
//!   the two layers below cannot be undone;
//! - **files** (Landlock): it may read and execute the system's software and settings
//!   (`/usr`, `/lib`, `/etc`, `/opt`, ...), read `/proc` and `/sys`, open existing device
//!   nodes under `/dev` (a GPU's), and read and write its own scratch directory, where the
//!   executor points the drivers' caches and temporary files. Nothing else: not the node's
//!   base path, so not its keystore, its database or its off-chain storage; no file is
//!   created outside the scratch directory;
//! - **system calls** (seccomp): no sockets (so no network and no connection to the node's
//!   RPC), no tracing or reading other processes' memory, no mounts, namespaces, keyrings
//!   or BPF. Denied calls fail with `EACCES`; drivers see an error, not a crash.
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
const STATE_DIRS: &[&str] = &["/proc", "/sys"];

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
				existing(STATE_DIRS),
				AccessFs::ReadFile | AccessFs::ReadDir,
			))
		})
		.and_then(|r| r.add_rules(path_beneath_rules(existing(&[DEVICE_DIR]), devices)))
		.and_then(|r| r.add_rules(path_beneath_rules([scratch], AccessFs::from_all(abi))))
		.and_then(|r| r.restrict_self())
		.map_err(|e| format!("landlock: {e}"))?;
	Ok(status.ruleset == RulesetStatus::FullyEnforced)
}

/// System calls the worker never needs: they would reach the network or the node, or
/// change what the sandbox is.
#[cfg(target_os = "linux")]
const DENIED_SYSCALLS: &[libc::c_long] = &[
	libc::SYS_socket,
	libc::SYS_socketpair,
	libc::SYS_connect,
	libc::SYS_bind,
	libc::SYS_listen,
	libc::SYS_accept,
	libc::SYS_accept4,
	libc::SYS_ptrace,
	libc::SYS_process_vm_readv,
	libc::SYS_process_vm_writev,
	libc::SYS_mount,
	libc::SYS_umount2,
	libc::SYS_pivot_root,
	libc::SYS_chroot,
	libc::SYS_unshare,
	libc::SYS_setns,
	libc::SYS_keyctl,
	libc::SYS_add_key,
	libc::SYS_request_key,
	libc::SYS_bpf,
	libc::SYS_perf_event_open,
	libc::SYS_userfaultfd,
];

#[cfg(target_os = "linux")]
fn restrict_system_calls() -> Result<bool, String> {
	use seccompiler::{BpfProgram, SeccompAction, SeccompFilter, TargetArch};
	let arch = TargetArch::try_from(std::env::consts::ARCH)
		.map_err(|e| format!("seccomp: unsupported architecture: {e:?}"))?;
	let rules = DENIED_SYSCALLS.iter().map(|call| (*call, Vec::new())).collect();
	let filter = SeccompFilter::new(
		rules,
		SeccompAction::Allow,
		SeccompAction::Errno(libc::EACCES as u32),
		arch,
	)
	.map_err(|e| format!("seccomp: {e}"))?;
	let program: BpfProgram = filter.try_into().map_err(|e| format!("seccomp: {e:?}"))?;
	seccompiler::apply_filter(&program).map_err(|e| format!("seccomp: {e}"))?;
	Ok(true)
}
