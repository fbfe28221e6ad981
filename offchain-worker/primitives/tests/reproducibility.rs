//! The source check every honest provider runs before building a kernel: it refuses what
//! may compute different bytes on different devices, and only that.

use depin_compute_primitives::kernels::reproducibility_violation;

fn refused(source: &str) -> String {
	reproducibility_violation(source.as_bytes())
		.unwrap_or_else(|| panic!("must be refused: {source}"))
}

fn accepted(source: &str) {
	assert_eq!(reproducibility_violation(source.as_bytes()), None, "must be accepted: {source}");
}

const SIGNATURE: &str =
	"__kernel void k(__global const uchar *input, uint input_len, __global uchar *output, uint output_len)";

#[test]
fn exact_arithmetic_is_accepted() {
	accepted(&format!(
		"#pragma OPENCL FP_CONTRACT OFF\n#define SCALE 0.5f\n{SIGNATURE} {{\n\
		 \tuint i = get_global_id(0); // sin(x) in a comment is fine\n\
		 \tfloat x = (float)input[i] * SCALE / 3.0f + sqrt(2.0f) - fabs(-1e-5f) * 0x1p-3f;\n\
		 \t/* exp, native_sin, ## in a block comment */\n\
		 \tuint mixed = i * 0x9E3779B9u + mad_hi(i, i, 1u) + (uint)floor(x);\n\
		 \toutput[i] = (uchar)fmod(fmax(x, 1.0f), 255.0f) ^ (uchar)mixed;\n}}"
	));
	// Identifiers that merely contain a refused name.
	accepted("float sine = 1.0f; uint explode = 2; float length_ = 3.0f; uint cosmic = 0;");
	// A string (for `printf`) may say anything.
	accepted("printf(\"sin exp ## double\\\" native_cos\\n\");");
}

#[test]
fn what_devices_compute_differently_is_refused_with_its_line() {
	for (source, what) in [
		("float y = sin(x);", "`sin`"),
		("float y = native_exp(x);", "`native_exp`"),
		("float y = half_divide(x, 3.0f);", "`half_divide`"),
		("float y = mad(a, b, c);", "`mad`"),
		("float y = dot(a, b);", "`dot`"),
		("float4 y = normalize(a);", "`normalize`"),
		("double y = 1.0;", "`double`"),
		("uint l = get_local_id(0);", "`get_local_id`"),
		("__local uint shared[64];", "`__local`"),
		("barrier(CLK_LOCAL_MEM_FENCE);", "`barrier`"),
		("uint s = sub_group_reduce_add(x);", "`sub_group_reduce_add`"),
		("#ifdef FP_FAST_FMAF\nfloat y = 1.0f;\n#endif", "`FP_FAST_FMAF`"),
		("#ifdef cl_khr_fp64\n#endif", "`cl_khr_fp64`"),
	] {
		let why = refused(&format!("{SIGNATURE} {{\n\t{source}\n}}"));
		assert!(why.starts_with("line 2: "), "{why}");
		assert!(why.contains(what), "{why} names {what}");
	}
	assert!(
		refused("#define F(a, b) a##b\nfloat y = F(s, in)(x);").contains("line 1: token pasting")
	);
	assert!(refused("/* two\nlines */\n#pragma OPENCL FP_CONTRACT ON").starts_with("line 3: only"));
	assert!(refused("#pragma OPENCL EXTENSION cl_khr_fp64 : enable").contains("FP_CONTRACT OFF"));
	assert!(refused("#include \"/etc/passwd\"").contains("#include"));
}
