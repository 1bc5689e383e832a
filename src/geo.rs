//! Coordinates and distances for proximity rules (就近化).

use core::fmt;

/// Returned when coordinates are out of range.
///
/// # Example
/// ```
/// use volunteer_service::GeoPoint;
/// let err = GeoPoint::from_micro_degrees(91_000_000, 0).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "latitude 91000000 µ° is out of range: expected -90000000..=90000000"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GeoError {
    /// Latitude outside ±90°.
    #[error("latitude {value} µ° is out of range: expected -90000000..=90000000")]
    Latitude {
        /// The rejected latitude in micro-degrees.
        value: i32,
    },
    /// Longitude outside ±180°.
    #[error("longitude {value} µ° is out of range: expected -180000000..=180000000")]
    Longitude {
        /// The rejected longitude in micro-degrees.
        value: i32,
    },
}

/// A WGS-84 point stored as integer micro-degrees (about 0.1 m of precision), so that values
/// compare, hash and serialise exactly.
///
/// # Example
/// ```
/// use volunteer_service::GeoPoint;
/// // Lukou airport and Jiangning district government, Nanjing.
/// let lukou = GeoPoint::from_micro_degrees(31_742_000, 118_862_000)?;
/// let jiangning = GeoPoint::from_micro_degrees(31_953_000, 118_840_000)?;
/// let m = lukou.distance_m(jiangning);
/// assert!((23_000..24_000).contains(&m), "{m}");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "GeoWire", into = "GeoWire"))]
pub struct GeoPoint {
    lat: i32,
    lon: i32,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct GeoWire {
    lat_e6: i32,
    lon_e6: i32,
}

#[cfg(feature = "serde")]
impl TryFrom<GeoWire> for GeoPoint {
    type Error = GeoError;
    fn try_from(w: GeoWire) -> Result<Self, GeoError> {
        GeoPoint::from_micro_degrees(w.lat_e6, w.lon_e6)
    }
}

#[cfg(feature = "serde")]
impl From<GeoPoint> for GeoWire {
    fn from(p: GeoPoint) -> Self {
        GeoWire {
            lat_e6: p.lat,
            lon_e6: p.lon,
        }
    }
}

/// Mean Earth radius in metres (IUGG).
const EARTH_RADIUS_M: f64 = 6_371_008.8;

impl GeoPoint {
    /// Builds a point from latitude and longitude in micro-degrees.
    ///
    /// # Errors
    /// [`GeoError::Latitude`] or [`GeoError::Longitude`] when out of range.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{GeoError, GeoPoint};
    /// let lukou = GeoPoint::from_micro_degrees(31_736_000, 118_864_000)?;
    /// assert_eq!(lukou.lat_micro(), 31_736_000);
    /// assert_eq!(GeoPoint::from_micro_degrees(91_000_000, 0), Err(GeoError::Latitude { value: 91_000_000 }));
    /// assert!(GeoPoint::from_micro_degrees(0, -181_000_000).is_err());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn from_micro_degrees(lat: i32, lon: i32) -> Result<Self, GeoError> {
        if !(-90_000_000..=90_000_000).contains(&lat) {
            return Err(GeoError::Latitude { value: lat });
        }
        if !(-180_000_000..=180_000_000).contains(&lon) {
            return Err(GeoError::Longitude { value: lon });
        }
        Ok(Self { lat, lon })
    }

    /// Latitude in micro-degrees.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::GeoPoint;
    /// assert_eq!(GeoPoint::from_micro_degrees(-33_868_800, 151_209_300)?.lat_micro(), -33_868_800);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn lat_micro(self) -> i32 {
        self.lat
    }

    /// Longitude in micro-degrees.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::GeoPoint;
    /// assert_eq!(GeoPoint::from_micro_degrees(-33_868_800, 151_209_300)?.lon_micro(), 151_209_300);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub const fn lon_micro(self) -> i32 {
        self.lon
    }

    /// Great-circle distance in whole metres (haversine, rounded to the nearest metre).
    ///
    /// The result is symmetric and zero for equal points. It is used for ranking and limits,
    /// never for accounting.
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "the distance is at most half the Earth's circumference, about 2.0e7 m"
    )]
    pub fn distance_m(self, other: Self) -> u32 {
        if self == other {
            return 0;
        }
        // Order the operands so that the result is bit-for-bit symmetric.
        let (a, b) = if self <= other {
            (self, other)
        } else {
            (other, self)
        };
        let rad = |micro: i32| (f64::from(micro) / 1e6).to_radians();
        let (lat1, lat2) = (rad(a.lat), rad(b.lat));
        let dlat = lat2 - lat1;
        let dlon = rad(b.lon) - rad(a.lon);
        let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        let d = 2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin();
        d.round() as u32
    }
}

impl fmt::Display for GeoPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = |v: i32| {
            let sign = if v < 0 { "-" } else { "" };
            let a = v.unsigned_abs();
            format!("{sign}{}.{:06}", a / 1_000_000, a % 1_000_000)
        };
        write!(f, "{},{}", part(self.lat), part(self.lon))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rejects_out_of_range() {
        assert_eq!(
            GeoPoint::from_micro_degrees(0, 180_000_001),
            Err(GeoError::Longitude { value: 180_000_001 })
        );
        assert!(GeoPoint::from_micro_degrees(-90_000_000, -180_000_000).is_ok());
    }

    #[test]
    fn one_degree_of_latitude_is_about_111_km() {
        let a = GeoPoint::from_micro_degrees(32_000_000, 118_000_000).unwrap();
        let b = GeoPoint::from_micro_degrees(33_000_000, 118_000_000).unwrap();
        assert_eq!(a.distance_m(b), 111_195);
    }

    #[test]
    fn display_uses_decimal_degrees() {
        let p = GeoPoint::from_micro_degrees(-5, 118_862_000).unwrap();
        assert_eq!(p.to_string(), "-0.000005,118.862000");
    }

    proptest! {
        #[test]
        fn distance_is_symmetric(
            a in (-90_000_000..=90_000_000_i32, -180_000_000..=180_000_000_i32),
            b in (-90_000_000..=90_000_000_i32, -180_000_000..=180_000_000_i32),
        ) {
            let p = GeoPoint::from_micro_degrees(a.0, a.1).unwrap();
            let q = GeoPoint::from_micro_degrees(b.0, b.1).unwrap();
            prop_assert_eq!(p.distance_m(q), q.distance_m(p));
            prop_assert!(p.distance_m(q) <= 20_015_200);
        }
    }
}
