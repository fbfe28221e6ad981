//! The worker process: the only place where OpenCL runs.
//!
//! The executor starts it with the node's binary (`depin-node compute-worker`) and talks
//! to it over stdin and stdout. It opens one device, keeps built programs in a cache keyed
//! by the hash of their source, and runs one launch at a time. A launch that never ends
//! cannot be cancelled through OpenCL; the executor kills the whole process instead, and a
//! driver that crashes takes only this process with it.

use super::{
	device::{self, DeviceChoice, Found},
	protocol::{read_message, write_message, Request, Response, Run, Timings},
	sandbox,
};
use depin_compute_primitives::ErrorCode;
use ocl::core::{self, ArgVal, CommandQueue, Context, ContextProperties, Event, MemFlags, Program};
use std::{
	collections::HashMap,
	ffi::CString,
	io::{self, BufReader, BufWriter},
	time::Instant,
};

/// Programs kept built; the oldest half is dropped when the cache is full.
const PROGRAM_CACHE: usize = 64;

/// Build options: division and square root correctly rounded, as IEEE 754 has them (OpenCL
/// otherwise allows 2.5 and 3 ULP, and devices differ). Never `-cl-fast-relaxed-math`,
/// `-cl-denorms-are-zero` or their like, which let devices disagree on floating-point
/// results.
const BUILD_OPTIONS: &str = "-cl-fp32-correctly-rounded-divide-sqrt";

struct Opened {
	found: Found,
	context: Context,
	queue: CommandQueue,
	max_alloc: u64,
	programs: HashMap<[u8; 32], (u64, Program)>,
	builds: u64,
}

impl Opened {
	fn open(choice: DeviceChoice) -> Result<Self, String> {
		let found = device::select(choice)?;
		if !device::little_endian(&found.device) {
			return Err("the device is big-endian; the kernels' buffers are little-endian".into());
		}
		device::ieee_f32(&found.device)?;
		let properties = ContextProperties::new().platform(found.platform);
		let context = core::create_context(Some(&properties), &[found.device], None, None)
			.map_err(|e| format!("cannot create an OpenCL context: {e}"))?;
		let queue = core::create_command_queue(&context, found.device, None)
			.map_err(|e| format!("cannot create an OpenCL queue: {e}"))?;
		Ok(Self {
			max_alloc: device::max_alloc(&found.device),
			found,
			context,
			queue,
			programs: HashMap::new(),
			builds: 0,
		})
	}

	/// The program of `source`, from the cache or built now (then its build time goes in
	/// `timings`).
	fn program(
		&mut self,
		source: &[u8],
		timings: &mut Timings,
	) -> Result<Program, (ErrorCode, String)> {
		let key = sp_crypto_hashing::blake2_256(source);
		self.builds += 1;
		if let Some((used, program)) = self.programs.get_mut(&key) {
			*used = self.builds;
			return Ok(program.clone());
		}
		let started = Instant::now();
		let built = self.build(source);
		timings.build_us = Some(micros(started));
		let program = built?;
		if self.programs.len() >= PROGRAM_CACHE {
			let mut ages: Vec<u64> = self.programs.values().map(|(used, _)| *used).collect();
			ages.sort_unstable();
			let cutoff = ages[ages.len() / 2];
			self.programs.retain(|_, (used, _)| *used > cutoff);
		}
		self.programs.insert(key, (self.builds, program.clone()));
		Ok(program)
	}

	fn build(&self, source: &[u8]) -> Result<Program, (ErrorCode, String)> {
		let failed = |log: String| (ErrorCode::BuildFailed, log);
		let source =
			CString::new(source).map_err(|_| failed("the source contains a NUL byte".into()))?;
		let program = core::create_program_with_source(&self.context, &[source])
			.map_err(|e| failed(e.to_string()))?;
		let options = CString::new(BUILD_OPTIONS).unwrap_or_default();
		if let Err(e) =
			core::build_program(&program, Some(&[self.found.device]), &options, None, None)
		{
			let log = core::get_program_build_info(
				&program,
				self.found.device,
				core::ProgramBuildInfo::BuildLog,
			)
			.map(|l| l.to_string())
			.unwrap_or_else(|_| e.to_string());
			return Err(failed(log));
		}
		Ok(program)
	}

	fn run(&mut self, run: Run, timings: &mut Timings) -> Result<Vec<u8>, (ErrorCode, String)> {
		if run.input.len() as u64 > self.max_alloc || run.output_len as u64 > self.max_alloc {
			return Err((
				ErrorCode::MemoryLimit,
				format!("a buffer exceeds the device's {} byte allocation limit", self.max_alloc),
			));
		}
		let program = self.program(&run.source, timings)?;
		let entry = String::from_utf8(run.entry)
			.map_err(|_| (ErrorCode::EntryNotFound, "the entry is not UTF-8".into()))?;
		let kernel = core::create_kernel(&program, &entry)
			.map_err(|e| (ErrorCode::EntryNotFound, e.to_string()))?;
		let launch_failed = |e: ocl::core::Error| (ErrorCode::LaunchFailed, e.to_string());
		// OpenCL refuses empty buffers; a one-byte buffer stands in and the kernel is told
		// the real length.
		let input_len = run.input.len() as u32;
		let input = if run.input.is_empty() { vec![0u8] } else { run.input };
		let output_len = run.output_len.max(1) as usize;
		let zeros = vec![0u8; output_len];
		// SAFETY: the buffers are created from host slices of exactly the given lengths,
		// which OpenCL copies (`COPY_HOST_PTR`) before the call returns.
		let (input_buf, output_buf) = unsafe {
			let input_buf = core::create_buffer(
				&self.context,
				MemFlags::new().read_only().copy_host_ptr(),
				input.len(),
				Some(&input[..]),
			)
			.map_err(|e| (ErrorCode::MemoryLimit, e.to_string()))?;
			let output_buf = core::create_buffer(
				&self.context,
				MemFlags::new().read_write().copy_host_ptr(),
				output_len,
				Some(&zeros[..]),
			)
			.map_err(|e| (ErrorCode::MemoryLimit, e.to_string()))?;
			(input_buf, output_buf)
		};
		core::set_kernel_arg(&kernel, 0, ArgVal::mem(&input_buf)).map_err(launch_failed)?;
		core::set_kernel_arg(&kernel, 1, ArgVal::scalar(&input_len)).map_err(launch_failed)?;
		core::set_kernel_arg(&kernel, 2, ArgVal::mem(&output_buf)).map_err(launch_failed)?;
		core::set_kernel_arg(&kernel, 3, ArgVal::scalar(&run.output_len)).map_err(launch_failed)?;
		if let Some(params) = run.params {
			for (i, p) in params.iter().enumerate() {
				core::set_kernel_arg(&kernel, 4 + i as u32, ArgVal::scalar(p))
					.map_err(launch_failed)?;
			}
		}
		let global = run.global.map(|g| g.max(1) as usize);
		let dims = if global[2] > 1 {
			3
		} else if global[1] > 1 {
			2
		} else {
			1
		};
		let local = run.local.map(|l| l.map(|l| l.max(1) as usize));
		let dims = if local.is_some() { dims.max(2) } else { dims };
		let mut output = vec![0u8; output_len];
		let started = Instant::now();
		// SAFETY: the kernel's arguments are all set above; the read blocks until the
		// kernel has finished and writes exactly `output_len` bytes into `output`.
		let ran = unsafe {
			core::enqueue_kernel(
				&self.queue,
				&kernel,
				dims,
				None,
				&global,
				local,
				None::<Event>,
				None::<&mut Event>,
			)
			.map_err(launch_failed)?;
			core::enqueue_read_buffer(
				&self.queue,
				&output_buf,
				true,
				0,
				&mut output[..],
				None::<Event>,
				None::<&mut Event>,
			)
		};
		timings.kernel_us = Some(micros(started));
		ran.map_err(launch_failed)?;
		output.truncate(run.output_len as usize);
		Ok(output)
	}
}

fn micros(since: Instant) -> u64 {
	u64::try_from(since.elapsed().as_micros()).unwrap_or(u64::MAX)
}

/// Serves requests on stdin until it closes. Returns the process exit code.
pub fn worker_main(choice: DeviceChoice) -> i32 {
	// Confine before anything else runs (and before any thread starts): see `sandbox`.
	match std::env::var_os(sandbox::SCRATCH_ENV) {
		Some(scratch) => match sandbox::confine(std::path::Path::new(&scratch)) {
			Ok(confinement) if confinement.is_complete() => {},
			Ok(confinement) => {
				eprintln!("compute worker: this system confines it only in part: {confinement:?}")
			},
			Err(e) => {
				eprintln!("compute worker: cannot confine itself, refusing to run kernels: {e}");
				return 3;
			},
		},
		None => eprintln!(
			"compute worker: no scratch directory ({}), running unconfined",
			sandbox::SCRATCH_ENV
		),
	}
	let mut input = BufReader::new(io::stdin().lock());
	let mut output = BufWriter::new(io::stdout().lock());
	let mut opened = Opened::open(choice);
	loop {
		let request: Request = match read_message(&mut input) {
			Ok(Some(request)) => request,
			Ok(None) => return 0,
			Err(e) => {
				eprintln!("compute worker: unreadable request: {e}");
				return 2;
			},
		};
		let response = match (&mut opened, request) {
			(Ok(o), Request::Describe) => Response::Device(device::describe(&o.found)),
			(Err(why), Request::Describe) => Response::Device(Err(why.clone())),
			(Ok(o), Request::Run(run)) => {
				let mut timings = Timings::default();
				let result = o.run(run, &mut timings);
				Response::Ran(result, timings)
			},
			(Err(why), Request::Run(_)) => {
				Response::Ran(Err((ErrorCode::DeviceUnavailable, why.clone())), Timings::default())
			},
		};
		if let Err(e) = write_message(&mut output, &response) {
			eprintln!("compute worker: cannot answer: {e}");
			return 2;
		}
	}
}
