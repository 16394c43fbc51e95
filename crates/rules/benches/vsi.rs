//! VSI calculator throughput: 1,000,000 monthly quotes over (income, category, month).
//!
//! Target (BENCHMARKS.md): the whole million in < 0.5 s on one core.
//! Run: `cargo bench -p ansinh-rules`.

use ansinh_rules::vsi::{self, LocalGroup, SupportCategory, VsiInput};
use ansinh_rules::{Month, ParamSet, Vnd};

fn main() {
    divan::main();
}

const N: usize = 1_000_000;

/// Deterministic inputs: months 2024-07 … 2028-12 (spanning 1 Jul 2025, 1 Jul 2026 and
/// 1 Jan 2027), every category, incomes 2,200,000 … 46,800,000 (valid in all those months).
fn inputs(n: usize, with_province: bool) -> Vec<VsiInput> {
    let first = Month::new(2024, 7).unwrap();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    (0..n)
        .map(|_| {
            let r = next();
            let month = first.add((r % 54) as i64);
            let income = 2_200_000 + ((r >> 8) % 44_600_001) as i64;
            let category = SupportCategory::ALL[((r >> 40) % 5) as usize];
            let mut input = VsiInput {
                category,
                support_months_used: ((r >> 48) % 130) as u32,
                ..VsiInput::new(month, Vnd(income))
            };
            if with_province {
                input.province = Some("42".to_owned());
                input.local_group = Some(LocalGroup::Farmer);
            }
            input
        })
        .collect()
}

/// One million monthly quotes, no provincial layer: one sample = the whole million.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn million_monthly_quotes(bencher: divan::Bencher) {
    let params = ParamSet::bundled();
    let inputs = inputs(N, false);
    bencher.bench_local(|| {
        let mut total = 0i64;
        for input in &inputs {
            total += vsi::quote(&params, input).unwrap().payable.0;
        }
        divan::black_box(total)
    });
}

/// The same with the Hà Tĩnh provincial layer (two extra keys built and looked up per quote).
#[divan::bench(sample_count = 10, sample_size = 1)]
fn million_monthly_quotes_ha_tinh(bencher: divan::Bencher) {
    let params = ParamSet::bundled();
    let inputs = inputs(N, true);
    bencher.bench_local(|| {
        let mut total = 0i64;
        for input in &inputs {
            total += vsi::quote(&params, input).unwrap().payable.0;
        }
        divan::black_box(total)
    });
}

/// One quote, for the per-call latency.
#[divan::bench]
fn one_monthly_quote(bencher: divan::Bencher) {
    let params = ParamSet::bundled();
    let input = VsiInput::new(Month::new(2025, 7).unwrap(), Vnd(1_500_000));
    bencher.bench_local(|| vsi::quote(&params, divan::black_box(&input)).unwrap());
}
