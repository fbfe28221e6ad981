//! The compute worker's sandbox on this machine: a process confined the way the worker
//! confines itself cannot read a node's keystore, open a socket, write outside its scratch
//! directory, signal or read the memory of its parent (the node), or use `io_uring`; and
//! the real worker, confined, still computes on the device.

mod common;

use common::*;
use depin_compute_executor::sandbox;
use depin_compute_primitives::{kernels::Sha256BatchParams, BuiltinKernel};
use std::{fs, io::ErrorKind, path::PathBuf, process::Command};

/// Set in the re-executed test binary: the directory holding the scratch and the keystore.
const CHILD_ENV: &str = "DEPIN_SANDBOX_TEST_DIR";

/// What the confined child tries, one line each: `sandbox: <what> <allowed|denied|error>`.
fn confined_child(dir: PathBuf) {
	let scratch = dir.join("scratch");
	let confinement = sandbox::confine(&scratch).expect("confines");
	println!("\nsandbox: complete {}", confinement.is_complete());
	let outcome = |what: &str, r: std::io::Result<()>| match r {
		Ok(()) => println!("sandbox: {what} allowed"),
		Err(e) if e.kind() == ErrorKind::PermissionDenied => println!("sandbox: {what} denied"),
		Err(e) => println!("sandbox: {what} error: {e}"),
	};
	outcome("read-keystore", fs::read(dir.join("keystore/6f70657261746f72")).map(|_| ()));
	outcome("list-keystore", fs::read_dir(dir.join("keystore")).map(|_| ()));
	outcome("write-outside", fs::write(dir.join("planted"), b"x"));
	outcome("write-scratch", fs::write(scratch.join("tmp/kernel.o"), b"x"));
	outcome(
		"read-system",
		fs::read("/etc/hostname").or_else(|_| fs::read("/etc/passwd")).map(|_| ()),
	);
	outcome("tcp-socket", std::net::TcpStream::connect("127.0.0.1:9944").map(|_| ()));
	outcome("udp-socket", std::net::UdpSocket::bind("127.0.0.1:0").map(|_| ()));
	outcome("unix-socket", std::os::unix::net::UnixStream::pair().map(|_| ()));
	// The parent stands for the node.
	let errno = |r: libc::c_long| {
		if r < 0 {
			Err(std::io::Error::last_os_error())
		} else {
			Ok(())
		}
	};
	// SAFETY: `kill` with signal 0 sends nothing; it only checks that it could.
	outcome("signal-parent", errno(unsafe { libc::kill(libc::getppid(), 0) }.into()));
	outcome("signal-self", errno(unsafe { libc::kill(libc::getpid(), 0) }.into()));
	let parent = std::os::unix::process::parent_id();
	outcome("parent-memory", fs::File::open(format!("/proc/{parent}/mem")).map(|_| ()));
	outcome("parent-environment", fs::read(format!("/proc/{parent}/environ")).map(|_| ()));
	outcome("own-status", fs::read("/proc/self/status").map(|_| ()));
	outcome("cpu-info", fs::read("/proc/cpuinfo").map(|_| ()));
	// SAFETY: `io_uring_setup` writes into `params`, which outlives the call.
	let mut params = [0u8; 120];
	let ring = unsafe { libc::syscall(libc::SYS_io_uring_setup, 8, params.as_mut_ptr()) };
	outcome("io-uring", errno(ring));
}

#[test]
fn a_confined_worker_cannot_reach_the_keystore_the_network_or_the_disk() {
	if let Some(dir) = std::env::var_os(CHILD_ENV) {
		return confined_child(dir.into());
	}
	// A node's keystore beside the worker's scratch directory, as on a provider node.
	let dir = std::env::temp_dir().join(format!("depin-sandbox-test-{}", std::process::id()));
	let _ = fs::remove_dir_all(&dir);
	fs::create_dir_all(dir.join("keystore")).unwrap();
	fs::write(dir.join("keystore/6f70657261746f72"), b"\"//Alice//operator\"").unwrap();
	sandbox::prepare_scratch(&dir.join("scratch")).unwrap();

	let out = Command::new(std::env::current_exe().unwrap())
		.args(["--exact", "a_confined_worker_cannot_reach_the_keystore_the_network_or_the_disk"])
		.args(["--nocapture", "--test-threads", "1"])
		.env(CHILD_ENV, &dir)
		.output()
		.unwrap();
	let stdout = String::from_utf8_lossy(&out.stdout).to_string();
	let planted = dir.join("planted").exists();
	let _ = fs::remove_dir_all(&dir);
	assert!(
		out.status.success(),
		"the child failed: {stdout}\n{}",
		String::from_utf8_lossy(&out.stderr)
	);
	let line = |what: &str| {
		stdout
			.lines()
			.find_map(|l| {
				let rest = l.split_once("sandbox: ")?.1.strip_prefix(what)?;
				Some(rest.trim().to_string())
			})
			.unwrap_or_else(|| panic!("no line for {what} in {stdout}"))
	};
	assert_eq!(line("complete"), "true", "every layer is enforced on this machine");
	for what in ["read-keystore", "list-keystore", "write-outside"] {
		assert_eq!(line(what), "denied", "{what}");
	}
	for what in ["tcp-socket", "udp-socket", "unix-socket"] {
		assert_eq!(line(what), "denied", "{what}");
	}
	for what in ["signal-parent", "parent-memory", "parent-environment", "io-uring"] {
		assert_eq!(line(what), "denied", "{what}");
	}
	assert!(!planted, "nothing was written outside the scratch directory");
	// What the worker needs still works.
	assert_eq!(line("write-scratch"), "allowed");
	assert_eq!(line("read-system"), "allowed");
	assert_eq!(line("signal-self"), "allowed");
	assert_eq!(line("own-status"), "allowed");
	assert_eq!(line("cpu-info"), "allowed");
}

#[test]
fn the_confined_worker_still_computes() {
	// The executor starts its worker confined to a scratch directory of its own.
	let config = config();
	let scratch = config.scratch.clone();
	let exec = executor(config, MemStore::default());
	let input = bytes(64 * 4, 5);
	let kernel = BuiltinKernel::Sha256Batch(Sha256BatchParams { block_len: 64 });
	let outcome = exec.execute(&builtin(1, kernel, input.clone(), 32 * 4));
	let expected: Vec<u8> = input
		.chunks(64)
		.flat_map(|block| <sha2::Sha256 as sha2::Digest>::digest(block).to_vec())
		.collect();
	assert_eq!(outcome.result, Ok(expected));
	// The driver's files went to the scratch directory (PoCL caches every program it
	// builds there).
	assert!(fs::read_dir(scratch.join("pocl")).unwrap().next().is_some() || !on_pocl(&exec));
	drop(exec);
	assert!(!scratch.exists(), "the scratch directory is removed with the executor");
}
