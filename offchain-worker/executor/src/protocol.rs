//! What the executor and its worker process say to each other over the worker's stdin and
//! stdout: SCALE-encoded messages, each preceded by its length as a little-endian `u32`.

use codec::{Decode, Encode};
use depin_compute_primitives::{DeviceInfo, ErrorCode};
use std::io::{self, Read, Write};

/// Longest message either side accepts: the largest input or output plus headroom.
pub const MAX_MESSAGE: u32 = 1 << 30;

/// A request to the worker.
#[derive(Encode, Decode, Debug)]
pub enum Request {
	/// Which device did you open?
	Describe,
	/// Build (or take from the cache) and run a kernel.
	Run(Run),
}

/// A kernel launch, fully planned by the executor.
#[derive(Clone, Encode, Decode, Debug)]
pub struct Run {
	/// OpenCL C source.
	pub source: Vec<u8>,
	/// Kernel function.
	pub entry: Vec<u8>,
	/// Global work size.
	pub global: [u64; 3],
	/// Local work size, if required.
	pub local: Option<[u64; 3]>,
	/// The built-in kernels' three `ulong` parameters; `None` for source kernels, which
	/// take only the buffers and their lengths.
	pub params: Option<[u64; 3]>,
	/// Input bytes.
	pub input: Vec<u8>,
	/// Output length.
	pub output_len: u32,
}

/// The worker's answer.
#[derive(Encode, Decode, Debug)]
pub enum Response {
	/// The device, or why none could be opened.
	Device(Result<DeviceInfo, String>),
	/// The output, or an error code with the compiler's or driver's message; and how long
	/// the launch's steps took.
	Ran(Result<Vec<u8>, (ErrorCode, String)>, Timings),
}

/// How long the worker spent on a launch, in microseconds (for the node's metrics).
#[derive(Clone, Copy, Default, Encode, Decode, Debug, PartialEq, Eq)]
pub struct Timings {
	/// Building the program; `None` when it came from the cache or was never reached.
	pub build_us: Option<u64>,
	/// Running the kernel and reading its output back; `None` when it never ran.
	pub kernel_us: Option<u64>,
}

/// Writes one framed message.
pub fn write_message<W: Write, M: Encode>(to: &mut W, message: &M) -> io::Result<()> {
	let encoded = message.encode();
	let len = u32::try_from(encoded.len()).map_err(|_| io::Error::other("message too long"))?;
	to.write_all(&len.to_le_bytes())?;
	to.write_all(&encoded)?;
	to.flush()
}

/// Reads one framed message; `Ok(None)` at a clean end of stream.
pub fn read_message<R: Read, M: Decode>(from: &mut R) -> io::Result<Option<M>> {
	let mut len = [0u8; 4];
	match from.read_exact(&mut len) {
		Ok(()) => {},
		Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
		Err(e) => return Err(e),
	}
	let len = u32::from_le_bytes(len);
	if len > MAX_MESSAGE {
		return Err(io::Error::new(io::ErrorKind::InvalidData, "message too long"));
	}
	let mut buf = vec![0u8; len as usize];
	from.read_exact(&mut buf)?;
	M::decode(&mut &buf[..])
		.map(Some)
		.map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))
}
