//! Dân số mẫu — a deterministic, Hà Tĩnh-like demo population (shares of the project's domain
//! notes, "shape of the population"), with no storage: the caller gives the places (villages,
//! inter-family groups), a seed and the parameters in force (for working age), and receives
//! households one at a time, so 1,000,000 persons stream in bounded memory.
//!
//! Determinism: the generator uses its own PRNG (splitmix64 seeding xoshiro256**), integer
//! weights, and only exactly-rounded floating-point operations (no `exp`, `powf`), so a seed
//! gives the same households on every machine and every Rust version.
//!
//! Shape: household types (single elder, elderly couple, young couple, nuclear family,
//! three generations with an old or a young head, single parent, single adult) give ~3.6
//! persons per household. Ages are drawn within the limits each role allows (a child is at
//! least 18 years younger than the mother), weighted by the 2024 five-year bands and nudged
//! toward bands that are behind their target share so far; sex, where the role leaves it
//! open, is nudged the same way toward a sex ratio above 100 under 20 and ≈ 64 at 80+.
//! Every share here is illustrative, fitted to public totals, not official statistics.

use ansinh_domain::cccd::{BIRTH_PROVINCES, CitizenId};
use ansinh_domain::person::{
    BirthDate, Ethnicity, FullName, HouseholdCode, Occupation, Phone, PovertyStatus, Relation, Sex,
    working_age,
};
use ansinh_rules::ParamSet;
use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;
use std::collections::HashMap;

/// A place households are put in (a village or inter-family group), with a relative weight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoPlace {
    pub unit_code: String,
    /// The commune the place is under; household codes are numbered per commune.
    pub commune_code: String,
    /// Province code ("42" or "042"); most CCCDs are issued with it.
    pub province_code: String,
    pub weight: u32,
}

/// A generated household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoHousehold {
    /// `{commune code}-{number}`, unique across the population.
    pub code: HouseholdCode,
    pub unit_code: String,
    pub poverty: PovertyStatus,
    /// The head first.
    pub members: Vec<DemoPerson>,
}

/// A generated person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoPerson {
    pub cccd: CitizenId,
    pub full_name: FullName,
    pub birth: BirthDate,
    pub sex: Sex,
    pub relation: Relation,
    pub occupation: Occupation,
    pub ethnicity: Ethnicity,
    pub phone: Option<Phone>,
}

/// Stream households until `persons` people are generated (the last household may be cut
/// short). Ages are as of `reference`. No places (or only zero weights) yields nothing.
pub fn generate<'a>(
    places: &'a [DemoPlace],
    persons: usize,
    seed: u64,
    reference: NaiveDate,
    params: &'a ParamSet,
) -> Population<'a> {
    Population::new(places, persons, seed, reference, params)
}

/// [`generate`], collected.
pub fn generate_vec(
    places: &[DemoPlace],
    persons: usize,
    seed: u64,
    reference: NaiveDate,
    params: &ParamSet,
) -> Vec<DemoHousehold> {
    generate(places, persons, seed, reference, params).collect()
}

// ─── PRNG ─────────────────────────────────────────────────────────────────────────────────

/// xoshiro256** seeded by splitmix64 (Blackman & Vigna): small, fast, and the same everywhere.
struct Rng {
    s: [u64; 4],
}

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng { s: [next(), next(), next(), next()] }
    }

    fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (n > 0), by multiply-high.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `permille / 1000`.
    fn permille(&mut self, permille: u64) -> bool {
        self.below(1000) < permille
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// Index drawn with integer weights.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
        let mut x = self.below(total.max(1));
        for (i, w) in weights.iter().enumerate() {
            let w = u64::from(*w);
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

/// Cumulative integer weights for repeated draws from a fixed table.
struct Table<T: Copy> {
    items: Vec<T>,
    cumulative: Vec<u64>,
}

impl<T: Copy> Table<T> {
    fn new(pairs: &[(T, u32)]) -> Table<T> {
        let mut sum = 0;
        let mut items = Vec::with_capacity(pairs.len());
        let mut cumulative = Vec::with_capacity(pairs.len());
        for (item, w) in pairs {
            sum += u64::from(*w);
            items.push(*item);
            cumulative.push(sum);
        }
        Table { items, cumulative }
    }

    fn draw(&self, rng: &mut Rng) -> T {
        let total = self.cumulative.last().copied().unwrap_or(0);
        let x = rng.below(total.max(1));
        let i = self.cumulative.partition_point(|c| *c <= x);
        self.items[i.min(self.items.len() - 1)]
    }
}

// ─── Shape tables (illustrative) ──────────────────────────────────────────────────────────

/// Share of each 5-year band (0–4 … 75–79, 80+) in tenths of a percent (illustrative, fitted to the 1 Apr 2024 mid-term census: 23.3% under 15, 67.4% aged 15–64, 9.3% 65+):
/// 23.3% under 15, 67.4% 15–64, 9.3% 65+.
const AGE_BANDS: [u32; 17] = [70, 80, 83, 73, 66, 72, 80, 80, 74, 68, 60, 55, 46, 39, 24, 14, 16];
/// Oldest age generated; within 80+ the density falls linearly to it.
const MAX_AGE: i32 = 99;
/// Target share of males per band, in tenths of a percent: ≈ 111 boys per 100 girls at birth
/// easing to ≈ 100 by the 30s, ≈ 64 men per 100 women at 80+; ≈ 99 overall.
const MALE_SHARE: [u32; 17] =
    [526, 525, 524, 520, 510, 502, 498, 496, 495, 492, 487, 480, 470, 456, 436, 416, 390];

fn band(age: i32) -> usize {
    (age.clamp(0, 80) / 5) as usize
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    /// One person 65+ living alone (mostly widows).
    SingleElder,
    /// Husband and wife, 60+, children moved out.
    ElderCouple,
    /// Husband and wife under 35, no children yet.
    YoungCouple,
    /// Couple and their children.
    Nuclear,
    /// Old head and spouse, a married child with spouse, grandchildren.
    ThreeGenOld,
    /// Young head and spouse, their children, and the head's parent(s).
    ThreeGenYoung,
    /// One parent and children.
    SingleParent,
    /// One working-age adult.
    SingleAdult,
}

/// Household types in tenths of a percent; with the member counts below the mean is ≈ 3.6.
const KINDS: [(Kind, u32); 8] = [
    (Kind::SingleElder, 70),
    (Kind::ElderCouple, 85),
    (Kind::YoungCouple, 45),
    (Kind::Nuclear, 470),
    (Kind::ThreeGenOld, 115),
    (Kind::ThreeGenYoung, 100),
    (Kind::SingleParent, 55),
    (Kind::SingleAdult, 60),
];

/// Number of children of a couple: 1 … 4.
const CHILDREN: [u32; 4] = [36, 46, 14, 4];

/// Family names with Nghệ An–Hà Tĩnh weights (per 10,000): more Hồ, Phan, Võ, Đậu, Thái than
/// nationally, Huỳnh rare, Võ rather than Vũ.
const FAMILY_NAMES: [(&str, u32); 32] = [
    ("Nguyễn", 3000),
    ("Trần", 950),
    ("Lê", 850),
    ("Phan", 620),
    ("Hồ", 420),
    ("Võ", 420),
    ("Phạm", 450),
    ("Hoàng", 330),
    ("Đậu", 230),
    ("Thái", 200),
    ("Đặng", 190),
    ("Bùi", 170),
    ("Đinh", 150),
    ("Dương", 120),
    ("Ngô", 120),
    ("Đỗ", 110),
    ("Trương", 100),
    ("Đoàn", 90),
    ("Lương", 80),
    ("Cao", 80),
    ("Mai", 60),
    ("Đào", 60),
    ("Hà", 60),
    ("Trịnh", 50),
    ("Chu", 50),
    ("Lưu", 40),
    ("Phùng", 30),
    ("Lý", 30),
    ("Tôn", 30),
    ("Kiều", 30),
    ("Lâm", 20),
    ("Huỳnh", 5),
];

const MIDDLE_MALE: [&str; 14] = [
    "Đình", "Xuân", "Hữu", "Quang", "Minh", "Đức", "Công", "Thanh", "Ngọc", "Trọng", "Anh", "Tiến", "Mạnh",
    "Hồng",
];
const MIDDLE_MALE_NEW: [&str; 12] =
    ["Minh", "Đức", "Gia", "Bảo", "Quang", "Anh", "Hoàng", "Tuấn", "Nhật", "Đăng", "Khánh", "Hữu"];
const MIDDLE_FEMALE: [&str; 15] = [
    "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Bảo", "Khánh", "Hà", "Hồng", "Mai", "Diệu", "Thùy", "Lan",
    "Kim", "Hải",
];

/// Common given names (public lists of Vietnamese names).
const GIVEN_MALE: [&str; 19] = [
    "Tuấn", "Hoàng", "Huy", "Anh", "Hiếu", "Hùng", "Nam", "Sơn", "Đức", "Dũng", "Thành", "Đạt", "Cường",
    "Long", "Trung", "Hải", "Thắng", "Minh", "Quang",
];
const GIVEN_FEMALE: [&str; 19] = [
    "Trang", "Thảo", "Linh", "Anh", "Phương", "Hằng", "Huyền", "Hiền", "Hương", "Ngọc", "Dung", "Nhung",
    "Thủy", "Nhi", "Vân", "Yến", "Lan", "Mai", "Hoa",
];
/// Older cohorts (born before 1970).
const GIVEN_MALE_OLD: [&str; 12] =
    ["Bình", "Chiến", "Lợi", "Hòa", "Thịnh", "Toàn", "Vinh", "Hưng", "Tâm", "Thông", "Lộc", "Phúc"];
const GIVEN_FEMALE_OLD: [&str; 12] =
    ["Lý", "Xuân", "Hồng", "Liên", "Loan", "Thanh", "Tâm", "Đào", "Cúc", "Sen", "Nga", "Hà"];
/// Children born after 2007 (public lists of names given since 2007 for girls; an illustrative list for boys).
const GIVEN_FEMALE_NEW: [&str; 9] = ["Anh", "Vy", "Ngọc", "Nhi", "Hân", "Thư", "Linh", "Như", "Ngân"];
const GIVEN_MALE_NEW: [&str; 14] = [
    "Minh", "Khang", "Bảo", "Phúc", "Huy", "Khôi", "Nam", "Đăng", "Lâm", "Phong", "Quân", "Kiên", "An", "Duy",
];

/// Mobile prefixes in use (Viettel, VinaPhone, MobiFone, Vietnamobile).
const MOBILE_PREFIXES: [&str; 28] = [
    "086", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039", "088", "091", "094",
    "081", "082", "083", "084", "085", "089", "090", "093", "070", "076", "077", "078", "056",
];

// ─── The generator ────────────────────────────────────────────────────────────────────────

/// A person before names, numbers and occupation are filled in.
#[derive(Clone, Copy)]
struct Draft {
    age: i32,
    sex: Sex,
    relation: Relation,
    family: &'static str,
}

/// The household stream returned by [`generate`].
pub struct Population<'a> {
    places: &'a [DemoPlace],
    place_table: Table<usize>,
    /// Commune index of each place (household numbers run per commune).
    place_commune: Vec<usize>,
    commune_prefix: Vec<String>,
    commune_next: Vec<u32>,
    /// CCCD province index (in [`BIRTH_PROVINCES`]) of each place.
    place_province: Vec<usize>,
    remaining: usize,
    reference: NaiveDate,
    max_age: i32,
    rng: Rng,
    families: Table<&'static str>,
    kinds: Table<Kind>,
    /// Density of each age 0..=max_age under the band shares.
    density: Vec<f64>,
    age_count: [u64; 17],
    male_count: [u64; 17],
    total: u64,
    /// Next serial per (province, century/sex digit, year mod 100).
    serials: Vec<u32>,
    params: &'a ParamSet,
}

impl<'a> Population<'a> {
    fn new(
        places: &'a [DemoPlace],
        persons: usize,
        seed: u64,
        reference: NaiveDate,
        params: &'a ParamSet,
    ) -> Population<'a> {
        let pairs: Vec<(usize, u32)> = places.iter().enumerate().map(|(i, p)| (i, p.weight)).collect();
        let has_weight = places.iter().any(|p| p.weight > 0);
        let mut commune_index: HashMap<&str, usize> = HashMap::new();
        let mut commune_prefix = Vec::new();
        let place_commune = places
            .iter()
            .map(|p| {
                *commune_index.entry(p.commune_code.as_str()).or_insert_with(|| {
                    commune_prefix.push(code_prefix(&p.commune_code));
                    commune_prefix.len() - 1
                })
            })
            .collect();
        let hatinh = province_index("042").unwrap_or(0);
        let place_province = places
            .iter()
            .map(|p| province_index(&format!("{:0>3}", p.province_code.trim())).unwrap_or(hatinh))
            .collect();
        let max_age = MAX_AGE.min(reference.year() - ansinh_domain::person::FIRST_BIRTH_YEAR - 1).max(0);
        let density = (0..=max_age)
            .map(|a| {
                let b = band(a);
                if b < 16 {
                    f64::from(AGE_BANDS[b]) / 5.0
                } else {
                    // 80+: falls linearly to MAX_AGE; the weights 20, 19, … 1 sum to 210.
                    f64::from(AGE_BANDS[16]) * f64::from(MAX_AGE + 1 - a) / 210.0
                }
            })
            .collect();
        Population {
            places,
            place_table: Table::new(&pairs),
            place_commune,
            commune_next: vec![0; commune_prefix.len()],
            commune_prefix,
            place_province,
            remaining: if has_weight { persons } else { 0 },
            reference,
            max_age,
            rng: Rng::new(seed),
            families: Table::new(&FAMILY_NAMES),
            kinds: Table::new(&KINDS),
            density,
            age_count: [0; 17],
            male_count: [0; 17],
            total: 0,
            serials: vec![0; BIRTH_PROVINCES.len() * 10 * 100],
            params,
        }
    }

    /// An age in `lo..=hi`, weighted by the band shares and by how far each band is behind its
    /// target so far (the ratio to the fourth power: strong enough to hold every band within
    /// a fraction of a point, gentle enough to keep each role's natural spread).
    fn age(&mut self, lo: i32, hi: i32) -> i32 {
        let age = self.draw_age(lo, hi);
        self.count_age(age);
        age
    }

    fn count_age(&mut self, age: i32) {
        self.age_count[band(age)] += 1;
        self.total += 1;
    }

    /// [`Population::age`] without recording the draw.
    fn draw_age(&mut self, lo: i32, hi: i32) -> i32 {
        let lo = lo.clamp(0, self.max_age);
        let hi = hi.clamp(lo, self.max_age);
        let n = self.total as f64 + 1.0;
        let mut corr = [0.0; 17];
        for (b, c) in corr.iter_mut().enumerate() {
            let expected = f64::from(AGE_BANDS[b]) / 1000.0 * n;
            let r = (expected + 20.0) / (self.age_count[b] as f64 + 20.0);
            let r2 = r * r;
            let r4 = r2 * r2;
            *c = (r4 * r4).clamp(1e-4, 1e4);
        }
        let mut total = 0.0;
        for a in lo..=hi {
            total += self.density[a as usize] * corr[band(a)];
        }
        let mut x = self.rng.unit() * total;
        let mut age = hi;
        for a in lo..=hi {
            let w = self.density[a as usize] * corr[band(a)];
            if x < w {
                age = a;
                break;
            }
            x -= w;
        }
        age
    }

    /// Record a sex the role fixes.
    fn fixed_sex(&mut self, age: i32, sex: Sex) -> Sex {
        if sex == Sex::Male {
            self.male_count[band(age)] += 1;
        }
        sex
    }

    /// A sex the role leaves open: the band's target share, nudged toward it.
    fn free_sex(&mut self, age: i32) -> Sex {
        let b = band(age);
        let target = f64::from(MALE_SHARE[b]) / 1000.0;
        let behind = target * self.age_count[b] as f64 - self.male_count[b] as f64;
        let p = (target + 0.02 * behind).clamp(0.03, 0.97);
        let sex = if self.rng.unit() < p { Sex::Male } else { Sex::Female };
        self.fixed_sex(age, sex)
    }

    fn family(&mut self) -> &'static str {
        self.families.draw(&mut self.rng)
    }

    fn person(
        &mut self,
        lo: i32,
        hi: i32,
        sex: Option<Sex>,
        relation: Relation,
        family: &'static str,
    ) -> Draft {
        let age = self.age(lo, hi);
        let sex = match sex {
            Some(s) => self.fixed_sex(age, s),
            None => self.free_sex(age),
        };
        Draft { age, sex, relation, family }
    }

    /// Husband (ages `lo..=hi`) and wife; the husband heads the household 85% of the time.
    /// Returns (husband, wife).
    fn couple(&mut self, lo: i32, hi: i32) -> (Draft, Draft) {
        let husband_head = self.rng.permille(850);
        let (hr, wr) =
            if husband_head { (Relation::Head, Relation::Wife) } else { (Relation::Husband, Relation::Head) };
        let hf = self.family();
        let wf = self.family();
        let h = self.person(lo, hi, Some(Sex::Male), hr, hf);
        let w = self.person((h.age - 8).max(18), h.age + 2, Some(Sex::Female), wr, wf);
        (h, w)
    }

    fn push_couple(&mut self, members: &mut Vec<Draft>, lo: i32, hi: i32) -> (Draft, Draft) {
        let (h, w) = self.couple(lo, hi);
        if h.relation == Relation::Head {
            members.extend([h, w]);
        } else {
            members.extend([w, h]);
        }
        (h, w)
    }

    /// `n` children of a mother aged `mother_age` (none if she is under 19).
    fn children(
        &mut self,
        members: &mut Vec<Draft>,
        n: usize,
        mother_age: i32,
        max_age: i32,
        relation: Relation,
        family: &'static str,
    ) {
        if mother_age < 19 {
            return;
        }
        let hi = (mother_age - 18).min(max_age);
        // Births are spaced: a young mother has had fewer children so far, and siblings are
        // at least two years apart (a redraw or two), bar the odd twins.
        let n = n.min(1 + (mother_age - 19) as usize / 5);
        let first = members.len();
        for _ in 0..n {
            let mut age = self.draw_age(0, hi);
            for _ in 0..4 {
                let close = members[first..].iter().any(|c| (c.age - age).abs() < 2);
                if !close || self.rng.permille(20) {
                    break;
                }
                age = self.draw_age(0, hi);
            }
            self.count_age(age);
            let sex = self.free_sex(age);
            members.push(Draft { age, sex, relation, family });
        }
    }

    fn child_count(&mut self) -> usize {
        1 + self.rng.weighted(&CHILDREN)
    }

    fn drafts(&mut self) -> Vec<Draft> {
        let mut m = Vec::with_capacity(6);
        match self.kinds.draw(&mut self.rng) {
            Kind::SingleElder => {
                let f = self.family();
                let p = self.person(65, self.max_age, None, Relation::Head, f);
                m.push(p);
            }
            Kind::ElderCouple => {
                let (h, w) = self.push_couple(&mut m, 62, 95);
                // Often an unmarried adult child stays to look after them.
                if self.rng.permille(350) {
                    let c = self.person(18, (w.age - 18).min(45), None, Relation::Child, h.family);
                    m.push(c);
                }
            }
            Kind::YoungCouple => {
                self.push_couple(&mut m, 20, 34);
            }
            Kind::Nuclear => {
                let (h, w) = self.push_couple(&mut m, 24, 64);
                let n = self.child_count();
                self.children(&mut m, n, w.age, 40, Relation::Child, h.family);
                // Grown-up children often still live at home.
                if w.age >= 38 && self.rng.permille(500) {
                    let c = self.person(18, (w.age - 18).min(35), None, Relation::Child, h.family);
                    m.push(c);
                }
            }
            Kind::ThreeGenOld => {
                // The old head, with the spouse 70% of the time.
                let (old_family, mother_age) = if self.rng.permille(700) {
                    let (h, w) = self.push_couple(&mut m, 50, 90);
                    (h.family, w.age)
                } else {
                    let f = self.family();
                    let head = self.person(55, self.max_age, None, Relation::Head, f);
                    m.push(head);
                    (f, head.age)
                };
                if mother_age < 39 {
                    return m;
                }
                // A married son (80%) with his wife, or a daughter with her husband.
                let hi = (mother_age - 18).min(50);
                let (child, in_law, young_family, young_mother) = if self.rng.permille(800) {
                    let son = self.person(20, hi, Some(Sex::Male), Relation::Child, old_family);
                    let f = self.family();
                    let dil = self.person(
                        (son.age - 8).max(18),
                        son.age + 2,
                        Some(Sex::Female),
                        Relation::DaughterInLaw,
                        f,
                    );
                    (son, dil, old_family, dil.age)
                } else {
                    let daughter = self.person(20, hi, Some(Sex::Female), Relation::Child, old_family);
                    let f = self.family();
                    let sil = self.person(
                        (daughter.age - 2).max(20),
                        daughter.age + 8,
                        Some(Sex::Male),
                        Relation::SonInLaw,
                        f,
                    );
                    (daughter, sil, f, daughter.age)
                };
                m.extend([child, in_law]);
                let n = 1 + self.rng.weighted(&[35, 45, 20]);
                self.children(&mut m, n, young_mother, 25, Relation::Grandchild, young_family);
                if self.rng.permille(500) {
                    let d = self.person(15, (mother_age - 18).min(35), None, Relation::Child, old_family);
                    m.push(d);
                }
            }
            Kind::ThreeGenYoung => {
                let (h, w) = self.push_couple(&mut m, 25, 50);
                // The parents of the head.
                let head = if h.relation == Relation::Head { h } else { w };
                let oldest = head.age + 18;
                if oldest < self.max_age {
                    if self.rng.permille(400) {
                        let f = self.person(
                            head.age + 20,
                            head.age + 45,
                            Some(Sex::Male),
                            Relation::Father,
                            head.family,
                        );
                        let mf = self.family();
                        let mo = self.person(
                            (f.age - 8).max(oldest),
                            f.age + 2,
                            Some(Sex::Female),
                            Relation::Mother,
                            mf,
                        );
                        m.extend([f, mo]);
                    } else {
                        let age = self.age(oldest, head.age + 45);
                        let sex = self.free_sex(age);
                        let (relation, family) = if sex == Sex::Male {
                            (Relation::Father, head.family)
                        } else {
                            (Relation::Mother, self.family())
                        };
                        m.push(Draft { age, sex, relation, family });
                    }
                }
                let n = self.rng.weighted(&[25, 40, 28, 7]);
                self.children(&mut m, n, w.age, 35, Relation::Child, h.family);
            }
            Kind::SingleParent => {
                let sex = if self.rng.permille(800) { Sex::Female } else { Sex::Male };
                let f = self.family();
                let p = self.person(25, 60, Some(sex), Relation::Head, f);
                m.push(p);
                let kids_family = if sex == Sex::Male || self.rng.permille(300) { f } else { self.family() };
                let n = self.child_count().min(3);
                let mother_age = if sex == Sex::Male { p.age - 2 } else { p.age };
                self.children(&mut m, n, mother_age, 35, Relation::Child, kids_family);
            }
            Kind::SingleAdult => {
                let f = self.family();
                let p = self.person(18, 64, None, Relation::Head, f);
                m.push(p);
            }
        }
        // The usual order of a household register: head, spouse, parents, children (eldest
        // first), children's spouses, grandchildren.
        let rank = |r: Relation| match r {
            Relation::Head => 0,
            Relation::Wife | Relation::Husband => 1,
            Relation::Father | Relation::Mother => 2,
            Relation::Child => 3,
            Relation::DaughterInLaw | Relation::SonInLaw => 4,
            _ => 5,
        };
        m.sort_by_key(|d| (rank(d.relation), -d.age));
        m
    }

    fn birth(&mut self, age: i32) -> BirthDate {
        let anchor =
            self.reference.checked_sub_months(Months::new(12 * age as u32)).unwrap_or(self.reference);
        let date = anchor - Days::new(self.rng.below(365));
        // Some older people have only a birth year on record.
        if age >= 60 && self.rng.permille(40) {
            BirthDate::YearOnly(date.year())
        } else {
            BirthDate::Full(date)
        }
    }

    fn name(&mut self, family: &str, sex: Sex, birth_year: i32) -> FullName {
        // Share with "Văn" (men) / "Thị" (women) by cohort, per mille.
        let (van, thi) = match birth_year {
            ..1975 => (750, 850),
            1975..1990 => (550, 700),
            1990..2000 => (350, 450),
            _ => (100, 120),
        };
        let middle = match sex {
            Sex::Male if self.rng.permille(van) => "Văn",
            Sex::Female if self.rng.permille(thi) => "Thị",
            Sex::Male if birth_year >= 2000 => self.rng.pick(&MIDDLE_MALE_NEW),
            Sex::Male => self.rng.pick(&MIDDLE_MALE),
            Sex::Female => self.rng.pick(&MIDDLE_FEMALE),
        };
        let mut given = self.given(sex, birth_year);
        if given == middle {
            given = self.given(sex, birth_year);
        }
        FullName::trusted(format!("{family} {middle} {given}"))
    }

    fn given(&mut self, sex: Sex, birth_year: i32) -> &'static str {
        let (old, usual, new) = match sex {
            Sex::Male => (&GIVEN_MALE_OLD[..], &GIVEN_MALE[..], &GIVEN_MALE_NEW[..]),
            Sex::Female => (&GIVEN_FEMALE_OLD[..], &GIVEN_FEMALE[..], &GIVEN_FEMALE_NEW[..]),
        };
        if birth_year < 1970 && self.rng.permille(500) {
            self.rng.pick(old)
        } else if birth_year > 2007 && self.rng.permille(800) {
            self.rng.pick(new)
        } else {
            self.rng.pick(usual)
        }
    }

    fn occupation(&mut self, age: i32, birth: &BirthDate, sex: Sex) -> Occupation {
        let working = |rng: &mut Rng| match rng.weighted(&[42, 20, 28, 10]) {
            0 => Occupation::Farmer,
            1 => Occupation::Freelance,
            2 => Occupation::WageWorker,
            _ => Occupation::Other,
        };
        match age {
            ..6 => Occupation::Other,
            6..18 => Occupation::Student,
            18..23 if self.rng.permille(450) => Occupation::Student,
            18..55 => working(&mut self.rng),
            // Demo data only: a rule the parameters cannot answer just means "not working".
            _ if matches!(working_age(birth, sex, self.reference, self.params), Ok(true)) => {
                working(&mut self.rng)
            }
            _ => match self.rng.weighted(&[35, 45, 20]) {
                0 => Occupation::Retired,
                1 => Occupation::Farmer,
                _ => Occupation::Other,
            },
        }
    }

    fn cccd(&mut self, place: usize, sex: Sex, birth_year: i32) -> CitizenId {
        // Most people were registered at birth in the province they live in; some came from
        // the neighbours (Nghệ An, Quảng Bình) or elsewhere.
        let home = self.place_province[place];
        let mut province = match self.rng.below(1000) {
            0..930 => home,
            930..960 => province_index("040").unwrap_or(home),
            960..980 => province_index("044").unwrap_or(home),
            _ => self.rng.below(BIRTH_PROVINCES.len() as u64) as usize,
        };
        let offset = (birth_year - ansinh_domain::cccd::FIRST_YEAR).clamp(0, 499) as usize;
        let digit = (offset / 100) * 2 + usize::from(sex == Sex::Female);
        // Serials come from a counter per (province, digit, year), scrambled by a bijection of
        // 0..10^6 (an odd multiplier not divisible by 5), so they look random but never repeat.
        // A full counter moves on to the next province code.
        loop {
            let slot = (province * 10 + digit) * 100 + offset % 100;
            let n = self.serials[slot];
            if n < 1_000_000 {
                self.serials[slot] += 1;
                let serial = ((u64::from(n) * 667_123 + self.serial_offset(slot)) % 1_000_000) as u32;
                return CitizenId::generate(BIRTH_PROVINCES[province].0, sex, birth_year, serial)
                    .unwrap_or_else(|e| unreachable!("generated CCCD is valid: {e}"));
            }
            province = (province + 1) % BIRTH_PROVINCES.len();
        }
    }

    /// A fixed offset per serial counter, so the first numbers of each differ.
    fn serial_offset(&self, slot: usize) -> u64 {
        let mut z = (slot as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 31)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        (z ^ (z >> 29)) % 1_000_000
    }

    fn phone(&mut self) -> Phone {
        let prefix = self.rng.pick(&MOBILE_PREFIXES);
        Phone::trusted(format!("{prefix}{:07}", self.rng.below(10_000_000)))
    }

    fn ethnicity(&mut self) -> Ethnicity {
        // Hà Tĩnh is almost entirely Kinh; a few Mường, Thái, Lào and Chứt households.
        let name = match self.rng.below(1000) {
            0..996 => return Ethnicity::KINH,
            996 => "Mường",
            997 => "Thái",
            998 => "Lào",
            _ => "Chứt",
        };
        Ethnicity::parse(name).unwrap_or_default()
    }
}

impl Iterator for Population<'_> {
    type Item = DemoHousehold;

    fn next(&mut self) -> Option<DemoHousehold> {
        if self.remaining == 0 {
            return None;
        }
        let place = self.place_table.draw(&mut self.rng);
        let mut drafts = self.drafts();
        drafts.truncate(self.remaining);
        self.remaining -= drafts.len();

        let commune = self.place_commune[place];
        self.commune_next[commune] += 1;
        let code = HouseholdCode::trusted(format!(
            "{}-{:04}",
            self.commune_prefix[commune], self.commune_next[commune]
        ));
        // Illustrative: ≈ 3% poor and ≈ 4% near-poor households.
        let poverty = match self.rng.below(1000) {
            0..30 => PovertyStatus::Poor,
            30..70 => PovertyStatus::NearPoor,
            _ => PovertyStatus::None,
        };
        let ethnicity = self.ethnicity();
        let members = drafts
            .into_iter()
            .map(|d| {
                let birth = self.birth(d.age);
                let full_name = self.name(d.family, d.sex, birth.year());
                let occupation = self.occupation(d.age, &birth, d.sex);
                let cccd = self.cccd(place, d.sex, birth.year());
                let phone = (d.age >= 16 && self.rng.permille(850)).then(|| self.phone());
                DemoPerson {
                    cccd,
                    full_name,
                    birth,
                    sex: d.sex,
                    relation: d.relation,
                    occupation,
                    ethnicity,
                    phone,
                }
            })
            .collect();
        Some(DemoHousehold { code, unit_code: self.places[place].unit_code.clone(), poverty, members })
    }
}

fn province_index(code: &str) -> Option<usize> {
    BIRTH_PROVINCES.iter().position(|(c, _)| *c == code)
}

/// A household-code prefix from a commune code: `A-Z 0-9 -`, at most 13 characters, so the
/// code with its number stays within 20.
fn code_prefix(commune: &str) -> String {
    let p: String = commune
        .trim()
        .to_ascii_uppercase()
        .chars()
        .filter(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '-')
        .take(13)
        .collect();
    if p.is_empty() { "HO".to_string() } else { p }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn places() -> Vec<DemoPlace> {
        let place = |unit: &str, commune: &str, weight| DemoPlace {
            unit_code: unit.into(),
            commune_code: commune.into(),
            province_code: "42".into(),
            weight,
        };
        vec![
            place("18322-01", "18322", 3),
            place("18322-01-04", "18322", 1),
            place("18832-02", "18832", 2),
            place("18547-01", "18547", 2),
            place("18547-02", "18547", 0),
        ]
    }

    fn reference() -> NaiveDate {
        date(2026, 1, 1)
    }

    #[test]
    fn demo_is_deterministic() {
        let a = generate_vec(&places(), 5_000, 42, reference(), ParamSet::bundled_ref());
        let b = generate_vec(&places(), 5_000, 42, reference(), ParamSet::bundled_ref());
        assert_eq!(a, b);
        let c = generate_vec(&places(), 5_000, 43, reference(), ParamSet::bundled_ref());
        assert_ne!(a, c);
        assert_eq!(a.iter().map(|h| h.members.len()).sum::<usize>(), 5_000);
        // The same on every machine: a fingerprint of the whole output (FNV-1a), so any change to
        // the generator is a visible, deliberate decision (update the constant and say why).
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for h in &a {
            for p in &h.members {
                let line = format!(
                    "{}|{}|{}|{}|{}|{:?}|{}|{}|{:?}|{:?}",
                    h.code,
                    h.unit_code,
                    p.cccd,
                    p.full_name,
                    p.birth,
                    p.sex,
                    p.relation.as_str(),
                    p.occupation.as_str(),
                    p.phone,
                    h.poverty
                );
                for b in line.bytes() {
                    hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
                }
            }
        }
        assert_eq!(hash, 17_370_418_995_594_138_256, "generator output changed");
    }

    #[test]
    fn demo_without_places_is_empty() {
        assert_eq!(generate(&[], 100, 1, reference(), ParamSet::bundled_ref()).count(), 0);
        let zero = vec![DemoPlace {
            unit_code: "1".into(),
            commune_code: "1".into(),
            province_code: "42".into(),
            weight: 0,
        }];
        assert_eq!(generate(&zero, 100, 1, reference(), ParamSet::bundled_ref()).count(), 0);
        assert_eq!(generate(&places(), 0, 1, reference(), ParamSet::bundled_ref()).count(), 0);
    }

    fn share(count: usize, total: usize) -> f64 {
        count as f64 * 100.0 / total as f64
    }

    #[test]
    fn demo_shape_on_100_000_persons() {
        let r = reference();
        let households: Vec<DemoHousehold> =
            generate(&places(), 100_000, 2024, r, ParamSet::bundled_ref()).collect();
        let persons: Vec<_> = households.iter().flat_map(|h| &h.members).collect();
        let n = persons.len();
        assert_eq!(n, 100_000);

        let ages: Vec<i32> = persons.iter().map(|p| p.birth.age_on(r)).collect();
        let under_15 = share(ages.iter().filter(|a| **a < 15).count(), n);
        let working = share(ages.iter().filter(|a| (15..65).contains(*a)).count(), n);
        let over_65 = share(ages.iter().filter(|a| **a >= 65).count(), n);
        assert!((under_15 - 23.3).abs() <= 1.5, "under 15: {under_15:.2}%");
        assert!((working - 67.4).abs() <= 1.5, "15–64: {working:.2}%");
        assert!((over_65 - 9.3).abs() <= 1.5, "65+: {over_65:.2}%");

        let mean = n as f64 / households.len() as f64;
        assert!((mean - 3.6).abs() <= 0.3, "mean household size {mean:.2}");

        let ratio = |lo: i32, hi: i32| {
            let in_band = |p: &&&DemoPerson| (lo..hi).contains(&p.birth.age_on(r));
            let men = persons.iter().filter(in_band).filter(|p| p.sex == Sex::Male).count();
            let women = persons.iter().filter(in_band).filter(|p| p.sex == Sex::Female).count();
            men as f64 * 100.0 / women as f64
        };
        let young = ratio(0, 20);
        let old = ratio(80, 200);
        let all = ratio(0, 200);
        assert!(young > 100.0, "sex ratio under 20: {young:.1}");
        assert!((55.0..=75.0).contains(&old), "sex ratio 80+: {old:.1}");
        assert!((95.0..=103.0).contains(&all), "sex ratio overall: {all:.1}");

        // Poverty shares (illustrative targets 3% and 4%).
        let h = households.len();
        let poor = share(households.iter().filter(|x| x.poverty == PovertyStatus::Poor).count(), h);
        let near = share(households.iter().filter(|x| x.poverty == PovertyStatus::NearPoor).count(), h);
        assert!(
            (2.0..=4.0).contains(&poor) && (3.0..=5.0).contains(&near),
            "poor {poor:.2}% near-poor {near:.2}%"
        );

        // Family names: Hà Tĩnh weights (Võ, not Vũ; Huỳnh rare; Hồ common).
        let family = |name: &str| persons.iter().filter(|p| p.full_name.family() == name).count();
        assert_eq!(family("Vũ"), 0);
        assert!(family("Hồ") > 5 * family("Huỳnh").max(1));
        assert!(share(family("Nguyễn"), n) > 25.0);
        // "Văn"/"Thị" common among older cohorts, rarer after 2000.
        let middle_share = |from: i32, to: i32, sex: Sex, middle: &str| {
            let cohort: Vec<_> =
                persons.iter().filter(|p| p.sex == sex && (from..to).contains(&p.birth.year())).collect();
            share(
                cohort.iter().filter(|p| p.full_name.as_str().split(' ').nth(1) == Some(middle)).count(),
                cohort.len(),
            )
        };
        assert!(middle_share(1940, 1975, Sex::Male, "Văn") > 60.0);
        assert!(middle_share(2005, 2026, Sex::Male, "Văn") < 20.0);
        assert!(middle_share(1940, 1975, Sex::Female, "Thị") > 70.0);
        assert!(middle_share(2005, 2026, Sex::Female, "Thị") < 20.0);

        // Occupations plausible by age.
        for (p, age) in persons.iter().zip(&ages) {
            match *age {
                6..18 => assert_eq!(p.occupation, Occupation::Student, "{age}"),
                ..6 => assert_eq!(p.occupation, Occupation::Other),
                _ => {}
            }
            if p.occupation == Occupation::Retired {
                assert!(*age >= 55, "retired at {age}");
            }
        }
        assert!(persons.iter().any(|p| p.occupation == Occupation::Farmer));

        // Every household has exactly one head, listed first; codes are unique; the weight-0
        // place gets nothing.
        let mut codes = HashSet::new();
        for h in &households {
            assert_eq!(h.members[0].relation, Relation::Head);
            assert_eq!(h.members.iter().filter(|m| m.relation == Relation::Head).count(), 1);
            assert!(codes.insert(h.code.clone()), "duplicate household code {}", h.code);
            assert_ne!(h.unit_code, "18547-02");
            assert!(HouseholdCode::parse(h.code.as_str()).is_ok());
        }
    }

    #[test]
    fn demo_identifiers_are_valid_and_unique() {
        let r = reference();
        let mut seen = HashSet::new();
        let mut ha_tinh = 0usize;
        let mut n = 0usize;
        for h in generate(&places(), 60_000, 7, r, ParamSet::bundled_ref()) {
            for p in &h.members {
                n += 1;
                let id = CitizenId::parse(p.cccd.as_str()).unwrap();
                id.check_against(p.sex, p.birth.year()).unwrap();
                assert!(seen.insert(p.cccd.clone()), "duplicate CCCD {}", p.cccd);
                ha_tinh += usize::from(id.province_code() == "042");
                assert_eq!(FullName::parse(p.full_name.as_str()).unwrap(), p.full_name);
                assert!(BirthDate::parse(&p.birth.to_string(), r).is_ok(), "{}", p.birth);
                if let Some(phone) = &p.phone {
                    assert_eq!(&Phone::parse(phone.as_str()).unwrap(), phone);
                }
            }
        }
        assert!(share(ha_tinh, n) > 85.0, "most CCCDs from Hà Tĩnh: {:.1}%", share(ha_tinh, n));
    }

    /// `cargo test --release -p ansinh-app --lib -- --ignored demo_million` times it.
    #[test]
    #[ignore = "slow in debug builds; run with --release"]
    fn demo_million_streams() {
        let started = std::time::Instant::now();
        let (mut persons, mut households) = (0usize, 0usize);
        for h in generate(&places(), 1_000_000, 1, reference(), ParamSet::bundled_ref()) {
            persons += h.members.len();
            households += 1;
        }
        assert_eq!(persons, 1_000_000);
        eprintln!("{persons} persons in {households} households: {:?}", started.elapsed());
    }

    /// A sample of households reads as a real list would: one head first, names of two words or
    /// more, CCCDs consistent with each member's sex and birth year, households of 1 to 9.
    #[test]
    fn demo_sample_households_are_well_formed() {
        for h in generate(&places(), 400, 3, reference(), ParamSet::bundled_ref()) {
            assert!((1..=9).contains(&h.members.len()), "{}", h.code);
            assert_eq!(h.members[0].relation, Relation::Head, "{}", h.code);
            for p in &h.members {
                assert!(p.full_name.as_str().split(' ').count() >= 2, "{}", p.full_name.as_str());
                let id = CitizenId::parse(p.cccd.as_str()).unwrap();
                assert!(id.check_against(p.sex, p.birth.year()).is_ok(), "{}", p.cccd.as_str());
            }
        }
    }
}
