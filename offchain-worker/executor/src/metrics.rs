//! What the executor tells the node's Prometheus endpoint, for operators: how busy the
//! device is kept (tasks queued and running), what came of the tasks (done, or failed and
//! why), how long kernels take to build and to run, and which device computes.
//!
//! | metric | type | |
//! | --- | --- | --- |
//! | `depin_compute_tasks_queued` | gauge | tasks waiting for the device |
//! | `depin_compute_tasks_running` | gauge | tasks on the device (0 or 1) |
//! | `depin_compute_tasks_done_total` | counter | tasks that produced an output |
//! | `depin_compute_tasks_failed_total{reason}` | counter | tasks that failed, by [`ErrorCode`] |
//! | `depin_compute_build_seconds` | histogram | program builds (cache misses) |
//! | `depin_compute_kernel_seconds` | histogram | kernel runs, reading the output back included |
//! | `depin_compute_device_info{kind,vendor,name,driver,opencl}` | gauge | 1 for the open device |

use crate::protocol::Timings;
use depin_compute_primitives::{DeviceInfo, ErrorCode};
use std::time::Duration;
use substrate_prometheus_endpoint::{
	exponential_buckets, register, Counter, CounterVec, Gauge, GaugeVec, Histogram, HistogramOpts,
	Opts, PrometheusError, Registry, U64,
};

/// The executor's metrics, registered once per node.
#[derive(Clone)]
pub struct Metrics {
	queued: Gauge<U64>,
	running: Gauge<U64>,
	done: Counter<U64>,
	failed: CounterVec<U64>,
	build_seconds: Histogram,
	kernel_seconds: Histogram,
	device: GaugeVec<U64>,
}

impl Metrics {
	/// Registers the metrics in `registry`.
	pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		// From a millisecond to about a minute (the longest a node lets a task run by
		// default), a bucket per factor of four.
		let seconds = |name: &str, help: &str| -> Result<Histogram, PrometheusError> {
			register(
				Histogram::with_opts(
					HistogramOpts::new(name, help).buckets(exponential_buckets(0.001, 4.0, 9)?),
				)?,
				registry,
			)
		};
		Ok(Self {
			queued: register(
				Gauge::new("depin_compute_tasks_queued", "Compute tasks waiting for the device")?,
				registry,
			)?,
			running: register(
				Gauge::new("depin_compute_tasks_running", "Compute tasks on the device")?,
				registry,
			)?,
			done: register(
				Counter::new(
					"depin_compute_tasks_done_total",
					"Compute tasks that produced an output",
				)?,
				registry,
			)?,
			failed: register(
				CounterVec::new(
					Opts::new("depin_compute_tasks_failed_total", "Compute tasks that failed"),
					&["reason"],
				)?,
				registry,
			)?,
			build_seconds: seconds(
				"depin_compute_build_seconds",
				"Time to build a kernel's program (cache misses only)",
			)?,
			kernel_seconds: seconds(
				"depin_compute_kernel_seconds",
				"Time a kernel ran, reading its output back included",
			)?,
			device: register(
				GaugeVec::new(
					Opts::new("depin_compute_device_info", "The device this node computes on"),
					&["kind", "vendor", "name", "driver", "opencl"],
				)?,
				registry,
			)?,
		})
	}

	/// The device was opened.
	pub(crate) fn device_opened(&self, info: &DeviceInfo) {
		let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
		let opencl = format!("{}.{}", info.opencl_version.major, info.opencl_version.minor);
		self.device
			.with_label_values(&[
				&format!("{:?}", info.kind),
				&text(&info.vendor),
				&text(&info.name),
				&text(&info.driver),
				&opencl,
			])
			.set(1);
	}

	/// A task joined the queue.
	pub(crate) fn queued(&self) {
		self.queued.inc();
	}

	/// A task left the queue for the device.
	pub(crate) fn started(&self) {
		self.queued.dec();
		self.running.inc();
	}

	/// A task ended, with an output or an error.
	pub(crate) fn finished(&self, error: Option<ErrorCode>, timings: &[Timings]) {
		self.running.dec();
		match error {
			None => self.done.inc(),
			Some(code) => self.failed.with_label_values(&[&format!("{code:?}")]).inc(),
		}
		self.observe(timings);
	}

	/// Build and kernel times of runs (a task's, or the start's warm-up).
	pub(crate) fn observe(&self, timings: &[Timings]) {
		for t in timings {
			if let Some(build) = t.build_us {
				self.build_seconds.observe(seconds(build));
			}
			if let Some(kernel) = t.kernel_us {
				self.kernel_seconds.observe(seconds(kernel));
			}
		}
	}
}

fn seconds(micros: u64) -> f64 {
	Duration::from_micros(micros).as_secs_f64()
}
