//! # The node's OpenCL executor
//!
//! The node side of compute: what sits behind the host functions of
//! `depin-compute-primitives` on a provider node.
//!
//! [`Executor`] takes tasks from the off-chain worker (through the compute host functions) into a
//! bounded queue and returns at once. One supervisor thread feeds them, one at a time, to a
//! worker process ([`worker`]) that owns the device, and waits for each with the time
//! limit; a task that runs past it is reported as [`ErrorCode::Timeout`] and the worker is
//! killed and started again for the next task. Outputs and final statuses go to the node's
//! off-chain storage ([`store`]), keyed by job id.
//!
//! Limits, all set by node flags: the queue length, the time per task, the memory a task
//! may ask for (its input and output buffers), and the longest output.
//!
//! Kernels are untrusted code: the worker confines itself before it opens the device
//! ([`sandbox`]): no new privileges, no file outside the system's software and its own
//! scratch directory (so not the node's keystore), no sockets.

pub mod device;
pub mod kernels;
pub mod metrics;
pub mod protocol;
pub mod sandbox;
pub mod store;
pub mod worker;

use depin_compute_primitives::{
	content::ContentId, host::ComputeBackend, ComputeTask, DeviceInfo, DispatchAck, ErrorCode,
	JobId, Kernel, TaskStatus,
};
use device::DeviceChoice;
pub use metrics::Metrics;
use protocol::{read_message, write_message, Request, Response, Run, Timings};
use std::{
	collections::{HashMap, VecDeque},
	ffi::OsString,
	io::{BufReader, BufWriter},
	path::PathBuf,
	process::{Child, ChildStdin, Command, Stdio},
	sync::{mpsc, Arc, Condvar, Mutex, MutexGuard},
	thread,
	time::{Duration, Instant},
};
use store::{OutputStore, Results};

const LOG_TARGET: &str = "compute";

/// How to start a worker process: a program and its arguments; the executor appends
/// `--device <choice>`.
#[derive(Clone, Debug)]
pub struct WorkerCommand {
	/// The binary (the node itself: `depin-node compute-worker`).
	pub program: PathBuf,
	/// Arguments before `--device`.
	pub args: Vec<OsString>,
}

/// A deliberate fault, for tests of the protocol's punishment of wrong results. Only in
/// builds with the `fault-injection` feature: it makes a provider lose its bond.
#[cfg(feature = "fault-injection")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
	/// Flip every bit of the first byte of each output before hashing and storing it.
	CorruptOutput,
}

/// The executor's limits and setup.
#[derive(Clone, Debug)]
pub struct ExecutorConfig {
	/// The worker process.
	pub worker: WorkerCommand,
	/// The device to open.
	pub device: DeviceChoice,
	/// Tasks queued or running at once; more are refused with [`DispatchAck::QueueFull`].
	pub max_jobs: usize,
	/// Wall time a task may take, build included.
	pub time_limit: Duration,
	/// Bytes of input plus output a task may ask for.
	pub max_memory: u64,
	/// Longest output, in bytes.
	pub max_output: u32,
	/// Jobs whose results the store keeps.
	pub keep_results: usize,
	/// The worker's scratch directory: the only place it may write ([`sandbox`]).
	/// Created when the worker starts, removed when the executor stops.
	pub scratch: PathBuf,
	/// Test-only fault.
	#[cfg(feature = "fault-injection")]
	pub fault: Option<Fault>,
}

impl ExecutorConfig {
	/// The defaults the node's flags start from.
	pub fn new(worker: WorkerCommand) -> Self {
		Self {
			worker,
			device: DeviceChoice::Auto,
			max_jobs: 16,
			time_limit: Duration::from_secs(60),
			max_memory: 1 << 30,
			max_output: 16 << 20,
			keep_results: 1024,
			scratch: default_scratch(),
			#[cfg(feature = "fault-injection")]
			fault: None,
		}
	}
}

/// A scratch directory of its own for each executor of this process, under the system's
/// temporary directory.
fn default_scratch() -> PathBuf {
	static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
	let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
	std::env::temp_dir().join(format!("depin-compute-{}-{n}", std::process::id()))
}

/// A finished run, as [`Executor::execute`] returns it.
#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
	/// The output, or why there is none with the compiler's or driver's message.
	pub result: Result<Vec<u8>, (ErrorCode, String)>,
	/// Wall time in milliseconds.
	pub exec_ms: u32,
}

struct Entry {
	fingerprint: [u8; 32],
	status: TaskStatus,
	task: Option<ComputeTask>,
	input: Prefetch,
}

/// What a prefetch of a task's input content gave.
type Prefetched = Result<Vec<u8>, (ErrorCode, String)>;

/// A task's input content, fetched from the moment the task is dispatched, on a thread of
/// its own: the device goes on with the tasks behind it meanwhile, rather than wait for a
/// peer that trickles.
enum Prefetch {
	/// The input is inline.
	Inline,
	/// The fetch is under way: the task waits, the ones behind it do not.
	Fetching,
	/// Fetched, or why not.
	Done(Prefetched),
}

#[derive(Default)]
struct Queue {
	entries: HashMap<JobId, Entry>,
	waiting: VecDeque<JobId>,
	finished: VecDeque<JobId>,
	busy: usize,
	stopping: bool,
}

struct Worker {
	child: Child,
	stdin: BufWriter<ChildStdin>,
	responses: mpsc::Receiver<Response>,
}

impl Drop for Worker {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

struct Shared {
	config: ExecutorConfig,
	queue: Mutex<Queue>,
	/// Wakes the supervisor: a task was queued, or the executor stops.
	wake: Condvar,
	/// Wakes those waiting for a task to finish.
	finished: Condvar,
	worker: Mutex<Option<Worker>>,
	device: Mutex<Option<DeviceInfo>>,
	results: Results,
	metrics: Option<Metrics>,
	data: Mutex<Option<Arc<dyn DataSource>>>,
}

/// Where a task's data too large for a transaction lives: on a node, its data store,
/// filled from peers and serving them (`depin-compute-data`).
pub trait DataSource: Send + Sync {
	/// The bytes of `id`, the input of `job`, fetched from peers if this node lacks them
	/// and checked against the root, or why there are none: within `limit`, whatever the
	/// peers do. The node keeps them for the job (and serves them) while it is on chain.
	fn content(&self, job: JobId, id: &ContentId, limit: Duration) -> Result<Vec<u8>, DataError>;

	/// Keeps `output`, computed for `job`, while the job is on chain: served to peers by
	/// content (its root is the result hash) once the chain agrees on it, never before.
	fn keep_output(&self, job: JobId, output: &[u8]) -> Result<ContentId, String>;
}

/// Why a [`DataSource`] has no content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DataError {
	/// No peer supplied it in time: what every provider sees of data the submitter
	/// withholds ([`ErrorCode::DataUnavailable`], agreed on).
	Unavailable(String),
	/// This node cannot hold it (its store is full of what live jobs use, its disk failed):
	/// local, not attested ([`ErrorCode::MemoryLimit`]).
	Local(String),
}

/// The executor. Cheap to clone; the supervisor stops when the last clone is dropped.
#[derive(Clone)]
pub struct Executor {
	shared: Arc<Shared>,
	_stop: Arc<StopOnDrop>,
}

struct StopOnDrop(Arc<Shared>);

impl Drop for StopOnDrop {
	fn drop(&mut self) {
		if let Ok(mut q) = self.0.queue.lock() {
			q.stopping = true;
		}
		self.0.wake.notify_all();
		self.0.finished.notify_all();
		if let Ok(mut w) = self.0.worker.lock() {
			w.take();
		}
		let _ = std::fs::remove_dir_all(&self.0.config.scratch);
	}
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
	m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A source kernel as the worker builds it: refused with [`ErrorCode::NotReproducible`] when
/// it uses what may compute different bytes on different devices
/// ([`depin_compute_primitives::kernels::reproducibility_violation`]), otherwise preceded by
/// `FP_CONTRACT OFF` (OpenCL C contracts by default) and a `#line` that keeps the
/// compiler's line numbers the submitter's.
fn reproducible_source(source: &[u8]) -> Result<Vec<u8>, (ErrorCode, String)> {
	if let Some(why) = depin_compute_primitives::kernels::reproducibility_violation(source) {
		return Err((ErrorCode::NotReproducible, why));
	}
	let mut built = b"#pragma OPENCL FP_CONTRACT OFF\n#line 1\n".to_vec();
	built.extend_from_slice(source);
	Ok(built)
}

fn millis(since: Instant) -> u32 {
	u32::try_from(since.elapsed().as_millis()).unwrap_or(u32::MAX)
}

impl Executor {
	/// Starts the executor: opens the device in a worker process (waiting at most the time
	/// limit for it) and the supervisor thread. A node without a usable device still gets
	/// an executor; its tasks fail with [`ErrorCode::DeviceUnavailable`]. With `metrics`,
	/// the node's Prometheus endpoint follows its tasks ([`metrics`]).
	pub fn start(
		config: ExecutorConfig,
		store: Box<dyn OutputStore>,
		metrics: Option<Metrics>,
	) -> Self {
		let keep = config.keep_results;
		let shared = Arc::new(Shared {
			config,
			queue: Mutex::new(Queue::default()),
			wake: Condvar::new(),
			finished: Condvar::new(),
			worker: Mutex::new(None),
			device: Mutex::new(None),
			results: Results::new(store, keep),
			metrics,
			data: Mutex::new(None),
		});
		match shared.request(Request::Describe, shared.config.time_limit) {
			Ok(Response::Device(Ok(info))) => {
				log::info!(
					target: LOG_TARGET,
					"🧮 Computing on {} ({}), {} compute units, {} MiB",
					String::from_utf8_lossy(&info.name),
					String::from_utf8_lossy(&info.vendor),
					info.compute_units,
					info.memory_mib,
				);
				if let Some(metrics) = &shared.metrics {
					metrics.device_opened(&info);
				}
				*lock(&shared.device) = Some(info);
			},
			Ok(Response::Device(Err(why))) => {
				log::warn!(target: LOG_TARGET, "No compute device: {why}")
			},
			Ok(other) => {
				log::warn!(target: LOG_TARGET, "Unexpected answer from the compute worker: {other:?}")
			},
			Err(code) => {
				log::warn!(target: LOG_TARGET, "The compute worker did not start: {code:?}")
			},
		}
		let supervisor = shared.clone();
		thread::Builder::new()
			.name("compute-executor".into())
			.spawn(move || supervisor.supervise())
			.expect("spawning a thread only fails when the OS is out of resources; qed");
		Self { _stop: Arc::new(StopOnDrop(shared.clone())), shared }
	}

	/// Where tasks' input content comes from (the node's data store). Without one, a task
	/// with input content fails locally.
	pub fn set_data_source(&self, source: Arc<dyn DataSource>) {
		*lock(&self.shared.data) = Some(source);
	}

	/// Runs a task now, bypassing the queue and the store: what the host functions do,
	/// without them. Used by tests and benchmarks.
	pub fn execute(&self, task: &ComputeTask) -> Outcome {
		self.shared.execute(task, None, &mut Vec::new())
	}

	/// The compiler's or driver's message of a job that failed, while the node keeps it.
	pub fn error_log(&self, job: JobId) -> Option<String> {
		self.shared.results.kept().log(job)
	}
}

impl Shared {
	fn spawn_worker(&self) -> Result<Worker, ErrorCode> {
		let scratch = &self.config.scratch;
		sandbox::prepare_scratch(scratch).map_err(|e| {
			log::warn!(target: LOG_TARGET, "Cannot create the compute worker's scratch directory {scratch:?}: {e}");
			ErrorCode::DeviceUnavailable
		})?;
		let mut child = Command::new(&self.config.worker.program)
			.args(&self.config.worker.args)
			.arg("--device")
			.arg(self.config.device.to_string())
			.envs(sandbox::scratch_env(scratch))
			.stdin(Stdio::piped())
			.stdout(Stdio::piped())
			.stderr(Stdio::inherit())
			.spawn()
			.map_err(|e| {
				log::warn!(target: LOG_TARGET, "Cannot start the compute worker {:?}: {e}", self.config.worker.program);
				ErrorCode::DeviceUnavailable
			})?;
		let (stdin, stdout) = match (child.stdin.take(), child.stdout.take()) {
			(Some(i), Some(o)) => (i, o),
			_ => return Err(ErrorCode::DeviceUnavailable),
		};
		let (tx, responses) = mpsc::channel();
		thread::Builder::new()
			.name("compute-worker-reader".into())
			.spawn(move || {
				let mut stdout = BufReader::new(stdout);
				while let Ok(Some(response)) = read_message::<_, Response>(&mut stdout) {
					if tx.send(response).is_err() {
						break;
					}
				}
			})
			.map_err(|_| ErrorCode::DeviceUnavailable)?;
		Ok(Worker { child, stdin: BufWriter::new(stdin), responses })
	}

	/// Sends one request to the worker (starting it if needed) and waits at most `limit`.
	/// On a timeout or a dead worker, the worker is dropped (killed).
	fn request(&self, request: Request, limit: Duration) -> Result<Response, ErrorCode> {
		let mut slot = lock(&self.worker);
		if slot.is_none() {
			// A stopping executor starts no worker: its scratch directory is being removed.
			if lock(&self.queue).stopping {
				return Err(ErrorCode::DeviceUnavailable);
			}
			*slot = Some(self.spawn_worker()?);
		}
		let worker = slot.as_mut().ok_or(ErrorCode::DeviceUnavailable)?;
		if write_message(&mut worker.stdin, &request).is_err() {
			slot.take();
			return Err(ErrorCode::WorkerCrashed);
		}
		match worker.responses.recv_timeout(limit) {
			Ok(response) => Ok(response),
			Err(mpsc::RecvTimeoutError::Timeout) => {
				log::warn!(target: LOG_TARGET, "A compute task ran past {limit:?}; restarting the worker");
				slot.take();
				Err(ErrorCode::Timeout)
			},
			Err(mpsc::RecvTimeoutError::Disconnected) => {
				log::warn!(target: LOG_TARGET, "The compute worker died; it restarts with the next task");
				slot.take();
				Err(ErrorCode::WorkerCrashed)
			},
		}
	}

	/// A task's input content, from the data source, once the memory it takes is known to
	/// be within this node's limit. Content nobody supplied is the agreed error
	/// [`ErrorCode::DataUnavailable`].
	fn input_content(
		&self,
		task: &ComputeTask,
		id: &ContentId,
	) -> Result<Vec<u8>, (ErrorCode, String)> {
		if !task.input.is_empty() {
			return Err((ErrorCode::InvalidParams, "input both inline and by content".into()));
		}
		let memory = id.len.saturating_add(u64::from(task.output_len));
		if memory > self.config.max_memory {
			return Err((
				ErrorCode::MemoryLimit,
				format!("{memory} bytes of buffers; this node allows {}", self.config.max_memory),
			));
		}
		let source = lock(&self.data).clone().ok_or_else(|| {
			(ErrorCode::DeviceUnavailable, "this executor has no data source".to_string())
		})?;
		// The fetch gets the job's compute budget (or this node's shorter limit), and the
		// run as much again: the chain allows budgets that leave time for both before the
		// commit deadline, so that data the submitter trickles or withholds ends as the
		// agreed error, attested in time, never as a provider missing its deadline.
		let limit = Duration::from_millis(u64::from(task.budget_ms)).min(self.config.time_limit);
		let started = Instant::now();
		let bytes = source.content(task.job, id, limit).map_err(|e| match e {
			DataError::Unavailable(why) => (ErrorCode::DataUnavailable, why),
			DataError::Local(why) => (ErrorCode::MemoryLimit, why),
		})?;
		log::info!(
			target: LOG_TARGET,
			"🧮 Job {}: {} bytes of input content in {} ms",
			task.job,
			bytes.len(),
			millis(started)
		);
		Ok(bytes)
	}

	/// Fetches `task`'s input content on a thread of its own, and hands it to the task's
	/// entry if that is still the task with `fingerprint`.
	fn prefetch(self: Arc<Self>, task: ComputeTask, fingerprint: [u8; 32]) {
		let job = task.job;
		let spawned = thread::Builder::new().name("compute-prefetch".into()).spawn({
			let shared = self.clone();
			move || {
				let result = match &task.input_content {
					Some(id) => shared.input_content(&task, id),
					None => Ok(Vec::new()),
				};
				let mut q = lock(&shared.queue);
				if let Some(entry) = q.entries.get_mut(&task.job) {
					if entry.fingerprint == fingerprint && matches!(entry.input, Prefetch::Fetching)
					{
						entry.input = Prefetch::Done(result);
					}
				}
				drop(q);
				shared.wake.notify_all();
			}
		});
		if let Err(e) = spawned {
			let mut q = lock(&self.queue);
			if let Some(entry) = q.entries.get_mut(&job) {
				if entry.fingerprint == fingerprint {
					let why = format!("cannot start the input's fetch: {e}");
					entry.input = Prefetch::Done(Err((ErrorCode::MemoryLimit, why)));
				}
			}
			drop(q);
			self.wake.notify_all();
		}
	}

	/// Plans a task (validating it) into the worker's launch.
	fn plan(
		&self,
		task: &ComputeTask,
		prefetched: Option<Prefetched>,
	) -> Result<Run, (ErrorCode, String)> {
		if task.output_len > self.config.max_output {
			return Err((
				ErrorCode::OutputTooLarge,
				format!(
					"output of {} bytes; this node serves at most {}",
					task.output_len, self.config.max_output
				),
			));
		}
		let fetched;
		let input = match (&task.input_content, prefetched) {
			(None, _) => &task.input,
			(Some(_), Some(done)) => {
				fetched = done?;
				&fetched
			},
			(Some(id), None) => {
				fetched = self.input_content(task, id)?;
				&fetched
			},
		};
		let run = match &task.kernel {
			Kernel::BuiltIn(kernel) => {
				let launch = kernels::plan(kernel, input, task.output_len)
					.map_err(|code| (code, format!("invalid parameters: {kernel:?}")))?;
				Run {
					source: launch.source.into_bytes(),
					entry: launch.entry.as_bytes().to_vec(),
					global: launch.global.map(|g| g as u64),
					local: launch.local.map(|l| l.map(|l| l as u64)),
					params: Some(launch.args),
					input: launch.generated_input.unwrap_or_else(|| input.clone()),
					output_len: task.output_len,
				}
			},
			Kernel::Source { source, entry } => Run {
				source: reproducible_source(source)?,
				entry: entry.to_vec(),
				global: task.work_size.map(u64::from),
				local: None,
				params: None,
				input: input.clone(),
				output_len: task.output_len,
			},
		};
		let memory = run.input.len() as u64 + run.output_len as u64;
		if memory > self.config.max_memory {
			return Err((
				ErrorCode::MemoryLimit,
				format!("{memory} bytes of buffers; this node allows {}", self.config.max_memory),
			));
		}
		Ok(run)
	}

	/// Runs a planned task once in the worker, for at most `limit`; the worker's timings
	/// go in `timings`.
	fn run(
		&self,
		run: Run,
		limit: Duration,
		timings: &mut Vec<Timings>,
	) -> Result<Vec<u8>, (ErrorCode, String)> {
		match self.request(Request::Run(run), limit) {
			Ok(Response::Ran(result, t)) => {
				timings.push(t);
				result
			},
			Ok(other) => Err((ErrorCode::WorkerCrashed, format!("unexpected answer {other:?}"))),
			Err(code) => Err((code, String::new())),
		}
	}

	/// Runs a task within its compute budget and this node's time limit, whichever is
	/// shorter. Running out of the job's budget is a result every honest provider gets
	/// ([`ErrorCode::BudgetExceeded`]); running out of this node's shorter limit is not
	/// ([`ErrorCode::Timeout`]: the provider set its limit below what the chain allows).
	/// A worker that dies is started again and the task run once more: a crash that
	/// repeats is the kernel's doing ([`ErrorCode::KernelCrashed`]). The worker's timings
	/// of each run go in `timings`.
	fn execute(
		&self,
		task: &ComputeTask,
		prefetched: Option<Prefetched>,
		timings: &mut Vec<Timings>,
	) -> Outcome {
		let started = Instant::now();
		let budget = Duration::from_millis(u64::from(task.budget_ms));
		let limit = budget.min(self.config.time_limit);
		let result = self.plan(task, prefetched).and_then(|run| {
			match self.run(run.clone(), limit, timings) {
				Err((ErrorCode::WorkerCrashed, _)) => {
					log::info!(target: LOG_TARGET, "🧮 Job {} crashed the compute worker; running it once more", task.job);
					self.run(run, limit, timings).map_err(|(code, log)| match code {
						ErrorCode::WorkerCrashed => (
							ErrorCode::KernelCrashed,
							"the kernel crashed the compute worker twice".into(),
						),
						code => (code, log),
					})
				},
				result => result,
			}
			.map_err(|(code, log)| match code {
				ErrorCode::Timeout if budget <= self.config.time_limit => (
					ErrorCode::BudgetExceeded,
					format!("still running after the job's budget of {} ms", task.budget_ms),
				),
				code => (code, log),
			})
		});
		#[cfg(feature = "fault-injection")]
		let result = match (result, self.config.fault) {
			(Ok(mut output), Some(Fault::CorruptOutput)) => {
				if let Some(first) = output.first_mut() {
					*first ^= 0xff;
				}
				Ok(output)
			},
			(result, _) => result,
		};
		Outcome { result, exec_ms: millis(started) }
	}

	/// Runs one tiny task of each built-in kernel (`kernels::warm_up`), so that a
	/// provider's first job of each kind does not pay the program's build (about a second
	/// on PoCL, more when several nodes share the CPU) and still commits in the block after
	/// its assignment. Tasks dispatched meanwhile wait in the queue.
	fn warm_up(&self) {
		if lock(&self.device).is_none() {
			return;
		}
		let started = Instant::now();
		for (kernel, input, output_len) in kernels::warm_up() {
			if lock(&self.queue).stopping {
				return;
			}
			let task = ComputeTask {
				job: 0,
				kernel: Kernel::BuiltIn(kernel),
				input,
				input_content: None,
				work_size: [1, 1, 1],
				output_len,
				budget_ms: u32::MAX,
			};
			let mut timings = Vec::new();
			if let Err((code, log)) = self.execute(&task, None, &mut timings).result {
				log::warn!(target: LOG_TARGET, "Built-in kernel {kernel:?} failed to warm up with {code:?}: {log}");
			}
			if let Some(metrics) = &self.metrics {
				metrics.observe(&timings);
			}
		}
		log::info!(target: LOG_TARGET, "🧮 Built-in kernels ready in {} ms", millis(started));
	}

	fn supervise(&self) {
		self.warm_up();
		loop {
			let (job, task, fingerprint, prefetched) = {
				let mut q = lock(&self.queue);
				loop {
					if q.stopping {
						return;
					}
					// The first task in order whose input is at hand: one whose content is
					// still arriving lets the tasks behind it go first.
					let ready = q.waiting.iter().position(|job| {
						q.entries.get(job).is_none_or(|e| !matches!(e.input, Prefetch::Fetching))
					});
					if let Some(job) = ready.and_then(|at| q.waiting.remove(at)) {
						let taken = q.entries.get_mut(&job).and_then(|e| {
							e.status = TaskStatus::Running;
							let prefetched = match std::mem::replace(&mut e.input, Prefetch::Inline)
							{
								Prefetch::Done(result) => Some(result),
								_ => None,
							};
							e.task.take().map(|task| (task, e.fingerprint, prefetched))
						});
						if let Some((task, fingerprint, prefetched)) = taken {
							if let Some(metrics) = &self.metrics {
								metrics.started();
							}
							break (job, task, fingerprint, prefetched);
						}
						continue;
					}
					q = self.wake.wait(q).unwrap_or_else(|p| p.into_inner());
				}
			};
			let mut timings = Vec::new();
			let outcome = self.execute(&task, prefetched, &mut timings);
			if let Some(metrics) = &self.metrics {
				metrics.finished(outcome.result.as_ref().err().map(|(code, _)| *code), &timings);
			}
			self.finish(job, fingerprint, outcome);
		}
	}

	/// Records the outcome of the task with `fingerprint` (hashed once, at dispatch).
	fn finish(&self, job: JobId, fingerprint: [u8; 32], outcome: Outcome) {
		let (status, output) = match outcome.result {
			Ok(output) => {
				let result_hash = depin_compute_primitives::content::output_hash(&output).0;
				log::info!(target: LOG_TARGET, "🧮 Job {job} computed in {} ms: {} bytes, result 0x{}", outcome.exec_ms, output.len(), sp_core::hexdisplay::HexDisplay::from(&result_hash));
				(
					TaskStatus::Done {
						result_hash,
						output_len: output.len() as u32,
						exec_ms: outcome.exec_ms,
					},
					Ok(output),
				)
			},
			Err((code, log)) => {
				log::info!(target: LOG_TARGET, "🧮 Job {job} failed with {code:?} after {} ms{}{}", outcome.exec_ms, if log.is_empty() { "" } else { ": " }, log.trim());
				(TaskStatus::Failed { code, exec_ms: outcome.exec_ms }, Err(log))
			},
		};
		// An output goes to the data store, from which peers fetch it by content once the
		// chain agrees on it; the off-chain database keeps a short one too (the off-chain
		// worker reveals it on chain from there), or any one on a node without a store.
		let data = lock(&self.data).clone();
		let kept = match (&output, data) {
			(Ok(bytes), Some(data)) => match data.keep_output(job, bytes) {
				Ok(_) => true,
				Err(e) => {
					log::warn!(target: LOG_TARGET, "🧮 Job {job}: the data store did not keep the output: {e}");
					false
				},
			},
			_ => false,
		};
		let output = match &output {
			Ok(bytes) if kept && bytes.len() > store::MAX_KEPT_OUTPUT => Ok(None),
			Ok(bytes) => Ok(Some(&bytes[..])),
			Err(log) => Err(log.as_str()),
		};
		self.results.record(job, fingerprint, status, output);
		let mut q = lock(&self.queue);
		q.busy = q.busy.saturating_sub(1);
		if let Some(entry) = q.entries.get_mut(&job) {
			if entry.fingerprint == fingerprint {
				entry.status = status;
			}
		}
		q.finished.push_back(job);
		while q.finished.len() > self.config.keep_results {
			if let Some(old) = q.finished.pop_front() {
				if q.entries
					.get(&old)
					.is_some_and(|e| !matches!(e.status, TaskStatus::Queued | TaskStatus::Running))
				{
					q.entries.remove(&old);
				}
			}
		}
		drop(q);
		self.finished.notify_all();
	}
}

impl ComputeBackend for Executor {
	fn dispatch(&self, task: ComputeTask) -> DispatchAck {
		let shared = &self.shared;
		let fingerprint = task.fingerprint();
		let mut q = lock(&shared.queue);
		match q.entries.get(&task.job) {
			Some(e) if e.fingerprint == fingerprint => return DispatchAck::AlreadyKnown,
			// Another task under the same job id (a fork): wait until the running one ends.
			Some(e) if matches!(e.status, TaskStatus::Running) => return DispatchAck::QueueFull,
			_ => {},
		}
		if !q.entries.contains_key(&task.job)
			&& shared.results.kept().status(task.job).is_some_and(|(f, _)| f == fingerprint)
		{
			return DispatchAck::AlreadyKnown;
		}
		if q.busy >= shared.config.max_jobs {
			return DispatchAck::QueueFull;
		}
		let job = task.job;
		let requeued = q.entries.get(&job).is_some_and(|e| matches!(e.status, TaskStatus::Queued));
		let prefetch = task.input_content.is_some().then(|| task.clone());
		let input = if prefetch.is_some() { Prefetch::Fetching } else { Prefetch::Inline };
		q.entries.insert(
			job,
			Entry { fingerprint, status: TaskStatus::Queued, task: Some(task), input },
		);
		if !requeued {
			q.waiting.push_back(job);
			q.busy += 1;
			if let Some(metrics) = &shared.metrics {
				metrics.queued();
			}
		}
		drop(q);
		if let Some(task) = prefetch {
			self.shared.clone().prefetch(task, fingerprint);
		}
		shared.wake.notify_one();
		DispatchAck::Accepted
	}

	fn poll(&self, job: JobId) -> TaskStatus {
		if let Some(entry) = lock(&self.shared.queue).entries.get(&job) {
			return entry.status;
		}
		self.shared
			.results
			.kept()
			.status(job)
			.map(|(_, status)| status)
			.unwrap_or(TaskStatus::Unknown)
	}

	fn wait(&self, job: JobId, timeout_ms: u32) -> TaskStatus {
		let deadline = Instant::now() + Duration::from_millis(u64::from(timeout_ms));
		let mut q = lock(&self.shared.queue);
		loop {
			match q.entries.get(&job).map(|e| e.status) {
				Some(TaskStatus::Queued | TaskStatus::Running) if !q.stopping => {},
				Some(status) => return status,
				None => break,
			}
			let left = deadline.saturating_duration_since(Instant::now());
			if left.is_zero() {
				break;
			}
			q = self
				.shared
				.finished
				.wait_timeout(q, left)
				.map(|(q, _)| q)
				.unwrap_or_else(|p| p.into_inner().0);
		}
		drop(q);
		self.poll(job)
	}

	fn read_output(&self, job: JobId, offset: u32, out: &mut [u8]) -> Option<u32> {
		let output = self.shared.results.kept().output(job)?;
		let from = (offset as usize).min(output.len());
		let n = out.len().min(output.len() - from);
		out[..n].copy_from_slice(&output[from..from + n]);
		u32::try_from(output.len()).ok()
	}

	fn device(&self) -> Option<DeviceInfo> {
		lock(&self.shared.device).clone()
	}
}
