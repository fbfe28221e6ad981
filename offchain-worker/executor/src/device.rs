//! Finding the OpenCL device a node computes on, and describing it for the chain.

use depin_compute_primitives::{DeviceInfo, DeviceKind, OpenClVersion};
use ocl::core::{
	self, DeviceId, DeviceInfo as Info, DeviceInfoResult as R, DeviceType, PlatformId,
};
use std::{fmt, str::FromStr};

/// Which device to compute on (`--compute-device`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DeviceChoice {
	/// The first GPU, else the first accelerator, else the first CPU.
	#[default]
	Auto,
	/// The first CPU device (PoCL on a machine without a GPU).
	Cpu,
	/// The first GPU.
	Gpu,
	/// The device at this position in the list of all platforms' devices, in the order
	/// `clinfo -l` shows them.
	Index(usize),
}

impl FromStr for DeviceChoice {
	type Err = String;

	fn from_str(s: &str) -> Result<Self, Self::Err> {
		match s {
			"auto" => Ok(Self::Auto),
			"cpu" => Ok(Self::Cpu),
			"gpu" => Ok(Self::Gpu),
			other => other.parse().map(Self::Index).map_err(|_| {
				format!("unknown compute device '{other}': expected auto, cpu, gpu or an index")
			}),
		}
	}
}

impl fmt::Display for DeviceChoice {
	fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
		match self {
			Self::Auto => f.write_str("auto"),
			Self::Cpu => f.write_str("cpu"),
			Self::Gpu => f.write_str("gpu"),
			Self::Index(i) => write!(f, "{i}"),
		}
	}
}

/// A device with its platform.
#[derive(Clone, Copy, Debug)]
pub struct Found {
	/// The platform the device belongs to.
	pub platform: PlatformId,
	/// The device.
	pub device: DeviceId,
}

fn kind_of(device: &DeviceId) -> Option<DeviceKind> {
	match core::get_device_info(device, Info::Type).ok()? {
		R::Type(t) if t.contains(DeviceType::GPU) => Some(DeviceKind::Gpu),
		R::Type(t) if t.contains(DeviceType::CPU) => Some(DeviceKind::Cpu),
		R::Type(_) => Some(DeviceKind::Accelerator),
		_ => None,
	}
}

/// Every device of every platform, in platform order.
pub fn all_devices() -> Vec<Found> {
	let platforms = core::get_platform_ids().unwrap_or_default();
	platforms
		.into_iter()
		.flat_map(|platform| {
			core::get_device_ids(platform, Some(DeviceType::ALL), None)
				.unwrap_or_default()
				.into_iter()
				.map(move |device| Found { platform, device })
		})
		.collect()
}

/// The device `choice` names, or why there is none.
pub fn select(choice: DeviceChoice) -> Result<Found, String> {
	let devices = all_devices();
	if devices.is_empty() {
		return Err("no OpenCL device found (is an ICD such as pocl-opencl-icd installed?)".into());
	}
	let first =
		|kind: DeviceKind| devices.iter().copied().find(|d| kind_of(&d.device) == Some(kind));
	let found = match choice {
		DeviceChoice::Auto => first(DeviceKind::Gpu)
			.or_else(|| first(DeviceKind::Accelerator))
			.or_else(|| first(DeviceKind::Cpu)),
		DeviceChoice::Cpu => first(DeviceKind::Cpu),
		DeviceChoice::Gpu => first(DeviceKind::Gpu),
		DeviceChoice::Index(i) => devices.get(i).copied(),
	};
	found
		.ok_or_else(|| format!("no OpenCL device matches '{choice}' among {} found", devices.len()))
}

fn text(device: &DeviceId, what: Info) -> String {
	core::get_device_info(device, what).map(|r| r.to_string()).unwrap_or_default()
}

/// Largest buffer the device allocates.
pub fn max_alloc(device: &DeviceId) -> u64 {
	match core::get_device_info(device, Info::MaxMemAllocSize) {
		Ok(R::MaxMemAllocSize(bytes)) => bytes,
		_ => 0,
	}
}

/// Whether the device stores integers little-endian, as the kernels' buffers assume.
pub fn little_endian(device: &DeviceId) -> bool {
	matches!(core::get_device_info(device, Info::EndianLittle), Ok(R::EndianLittle(true)))
}

/// Whether the device's single-precision floating point is IEEE 754 as reproducible kernels
/// need it: subnormals kept, infinities and NaNs, rounding to nearest, and division and
/// square root correctly rounded on request. A device that lacks any of these would
/// compute other bytes than its peers for the same float kernel, so the executor does not
/// open it (every GPU of the major vendors and PoCL on CPUs have them all).
pub fn ieee_f32(device: &DeviceId) -> Result<(), String> {
	use core::DeviceFpConfig as Fp;
	let needed =
		Fp::DENORM | Fp::INF_NAN | Fp::ROUND_TO_NEAREST | Fp::CORRECTLY_ROUNDED_DIVIDE_SQRT;
	match core::get_device_info(device, Info::SingleFpConfig) {
		Ok(R::SingleFpConfig(config)) if config.contains(needed) => Ok(()),
		Ok(R::SingleFpConfig(config)) => Err(format!(
			"the device's single-precision floating point lacks {:?}: its float results would \
			 differ from other providers'",
			needed - config
		)),
		_ => Err("the device does not report its single-precision floating point".into()),
	}
}

/// What the chain learns about the device. The device class hashes vendor, name, driver
/// and OpenCL version: two devices with the same class run the same compiler and code.
pub fn describe(found: &Found) -> Result<DeviceInfo, String> {
	let device = &found.device;
	let kind = kind_of(device).ok_or("the device does not report its type")?;
	let vendor = text(device, Info::Vendor);
	let name = text(device, Info::Name);
	let driver = text(device, Info::DriverVersion);
	let version = match core::get_device_info(device, Info::Version) {
		Ok(R::Version(v)) => v.to_raw(),
		_ => (1, 0),
	};
	let memory_mib = match core::get_device_info(device, Info::GlobalMemSize) {
		Ok(R::GlobalMemSize(bytes)) => u32::try_from(bytes >> 20).unwrap_or(u32::MAX),
		_ => 0,
	};
	let compute_units = match core::get_device_info(device, Info::MaxComputeUnits) {
		Ok(R::MaxComputeUnits(units)) => units,
		_ => 0,
	};
	let opencl_version = OpenClVersion {
		major: u8::try_from(version.0).unwrap_or(u8::MAX),
		minor: u8::try_from(version.1).unwrap_or(u8::MAX),
	};
	let device_class = sp_crypto_hashing::blake2_256(&codec::Encode::encode(&(
		&vendor,
		&name,
		&driver,
		opencl_version.major,
		opencl_version.minor,
	)));
	Ok(DeviceInfo {
		kind,
		vendor: vendor.into_bytes(),
		name: name.into_bytes(),
		driver: driver.into_bytes(),
		opencl_version,
		memory_mib,
		compute_units,
		device_class,
	})
}
