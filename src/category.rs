//! The service menu (服务菜单/项目库): a data-driven taxonomy of service categories (MATCH-04).
//!
//! A taxonomy has at most three levels: a top level (大类) and one or two levels of sub-items
//! below it, which fits both the two-level menus of county platforms and the three-level
//! Suzhou DB3205 catalogue. Keys are dotted paths such as `epidemic.testing.registration`.

use core::fmt;
use core::str::FromStr;
use std::collections::BTreeMap;

/// The deepest a category may sit: a top level plus two levels below it.
///
/// # Example
/// ```
/// use volunteer_service::{CategoryKey, MAX_CATEGORY_DEPTH};
/// assert_eq!(MAX_CATEGORY_DEPTH, 3);
/// assert!(CategoryKey::new("a.b.c").is_ok());
/// assert!(CategoryKey::new("a.b.c.d").is_err()); // one level too deep
/// ```
pub const MAX_CATEGORY_DEPTH: usize = 3;

/// Returned when a category key, a category or a taxonomy is invalid.
///
/// # Example
/// ```
/// use volunteer_service::CategoryKey;
/// let err = "Epidemic".parse::<CategoryKey>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "category key \"Epidemic\" has segment \"Epidemic\": expected lowercase ascii letters, digits or '_', starting with a letter"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CategoryError {
    /// A key segment is empty, too long or has a character outside `[a-z0-9_]`.
    #[error(
        "category key {key:?} has segment {segment:?}: expected lowercase ascii letters, digits or '_', starting with a letter"
    )]
    Segment {
        /// The rejected key (at most 100 characters of it).
        key: String,
        /// The offending segment.
        segment: String,
    },
    /// A key has more than [`MAX_CATEGORY_DEPTH`] segments or is longer than 100 bytes.
    #[error("category key {key:?} has {depth} levels: expected 1..=3 levels and at most 100 bytes")]
    Depth {
        /// The rejected key (at most 100 characters of it).
        key: String,
        /// Its number of segments.
        depth: usize,
    },
    /// A category name is blank or longer than 100 characters.
    #[error("category {key} has a blank or over-long {field} name: expected 1..=100 characters")]
    Name {
        /// The category.
        key: CategoryKey,
        /// `"english"` or `"chinese"`.
        field: &'static str,
    },
    /// A category was added before its parent.
    #[error("category {key} has no parent {parent} in the taxonomy: add the parent first")]
    MissingParent {
        /// The rejected category.
        key: CategoryKey,
        /// Its missing parent.
        parent: CategoryKey,
    },
    /// A category key appears twice.
    #[error("category {key} is already in the taxonomy")]
    Duplicate {
        /// The repeated key.
        key: CategoryKey,
    },
    /// A key is not in the taxonomy.
    #[error("category {key} is not in the taxonomy")]
    Unknown {
        /// The unknown key.
        key: CategoryKey,
    },
}

/// A validated path in the service menu: 1–3 dot-separated segments of lowercase ASCII
/// letters, digits and `_`, each starting with a letter, at most 100 bytes in all.
///
/// Serialised as the plain dotted string.
///
/// # Example
/// ```
/// use volunteer_service::CategoryKey;
/// let reg: CategoryKey = "epidemic.testing.registration".parse()?;
/// let testing: CategoryKey = "epidemic.testing".parse()?;
/// assert_eq!(reg.depth(), 3);
/// assert_eq!(reg.parent(), Some(testing.clone()));
/// assert!(reg.is_within(&testing) && reg.is_within(&reg));
/// assert!(!testing.is_within(&reg));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "String", into = "String")
)]
pub struct CategoryKey(Box<str>);

impl CategoryKey {
    /// Validates and wraps a dotted category path.
    ///
    /// # Errors
    /// [`CategoryError::Depth`] for more than three segments or over 100 bytes;
    /// [`CategoryError::Segment`] for an empty segment or a character outside `[a-z0-9_]`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CategoryError, CategoryKey};
    /// assert_eq!(CategoryKey::new("epidemic.checkpoint.road")?.depth(), 3);
    /// assert!(matches!(CategoryKey::new("a.b.c.d"), Err(CategoryError::Depth { depth: 4, .. })));
    /// assert!(matches!(CategoryKey::new("epidemic.Road"), Err(CategoryError::Segment { .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(key: &str) -> Result<Self, CategoryError> {
        let depth = key.split('.').count();
        if depth > MAX_CATEGORY_DEPTH || key.len() > 100 {
            return Err(CategoryError::Depth {
                key: key.chars().take(100).collect(),
                depth,
            });
        }
        for segment in key.split('.') {
            let valid = segment
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_lowercase())
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !valid {
                return Err(CategoryError::Segment {
                    key: key.to_owned(),
                    segment: segment.to_owned(),
                });
            }
        }
        Ok(Self(key.into()))
    }

    /// The dotted path.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::CategoryKey;
    /// let key: CategoryKey = "elder_care.visit".parse()?;
    /// assert_eq!(key.as_str(), "elder_care.visit");
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number of segments: 1 for a top-level category.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::CategoryKey;
    /// assert_eq!(CategoryKey::new("epidemic")?.depth(), 1);
    /// assert_eq!(CategoryKey::new("epidemic.testing.registration")?.depth(), 3);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn depth(&self) -> usize {
        self.0.split('.').count()
    }

    /// The segments from the top level down.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::CategoryKey;
    /// let key = CategoryKey::new("epidemic.testing.registration")?;
    /// assert_eq!(key.segments().collect::<Vec<_>>(), ["epidemic", "testing", "registration"]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn segments(&self) -> impl Iterator<Item = &str> + '_ {
        self.0.split('.')
    }

    /// The key one level up, or `None` for a top-level key.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::CategoryKey;
    /// let key = CategoryKey::new("epidemic.testing.registration")?;
    /// assert_eq!(key.parent(), Some(CategoryKey::new("epidemic.testing")?));
    /// assert_eq!(CategoryKey::new("epidemic")?.parent(), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn parent(&self) -> Option<Self> {
        self.0.rsplit_once('.').map(|(p, _)| Self(p.into()))
    }

    /// The top-level key this key sits under (itself if it is top level).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::CategoryKey;
    /// let epidemic = CategoryKey::new("epidemic")?;
    /// assert_eq!(CategoryKey::new("epidemic.testing.registration")?.root(), epidemic);
    /// assert_eq!(epidemic.root(), epidemic);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    #[must_use]
    pub fn root(&self) -> Self {
        match self.0.split_once('.') {
            Some((r, _)) => Self(r.into()),
            None => self.clone(),
        }
    }

    /// Whether this key is `ancestor` or lies below it. Purely a path test.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::CategoryKey;
    /// let epidemic = CategoryKey::new("epidemic")?;
    /// assert!(CategoryKey::new("epidemic.testing")?.is_within(&epidemic));
    /// assert!(epidemic.is_within(&epidemic));
    /// // Whole segments only: `epidemic_drill` is not below `epidemic`.
    /// assert!(!CategoryKey::new("epidemic_drill")?.is_within(&epidemic));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn is_within(&self, ancestor: &Self) -> bool {
        self.0 == ancestor.0
            || (self.0.starts_with(&*ancestor.0)
                && self.0.as_bytes().get(ancestor.0.len()) == Some(&b'.'))
    }

    /// The key one level down, `self.segment`.
    ///
    /// # Errors
    /// As [`CategoryKey::new`] for the resulting path.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CategoryError, CategoryKey};
    /// let testing = CategoryKey::new("epidemic.testing")?;
    /// assert_eq!(testing.child("registration")?.as_str(), "epidemic.testing.registration");
    /// assert!(matches!(testing.child("Bad"), Err(CategoryError::Segment { .. })));
    /// // A fourth level is too deep.
    /// assert!(matches!(testing.child("registration.desk"), Err(CategoryError::Depth { .. })));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn child(&self, segment: &str) -> Result<Self, CategoryError> {
        Self::new(&format!("{}.{segment}", self.0))
    }
}

impl fmt::Display for CategoryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for CategoryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CategoryKey({:?})", &*self.0)
    }
}

impl FromStr for CategoryKey {
    type Err = CategoryError;
    fn from_str(s: &str) -> Result<Self, CategoryError> {
        Self::new(s)
    }
}

impl TryFrom<String> for CategoryKey {
    type Error = CategoryError;
    fn try_from(s: String) -> Result<Self, CategoryError> {
        Self::new(&s)
    }
}

impl From<CategoryKey> for String {
    fn from(k: CategoryKey) -> Self {
        k.0.into()
    }
}

/// One entry of the service menu: its key and its English and Chinese names.
///
/// Serialised as `{"key": "epidemic.checkpoint", "name_en": "…", "name_zh": "…"}`.
///
/// # Example
/// ```
/// use volunteer_service::Category;
/// let c = Category::new("epidemic.checkpoint".parse()?, "Checkpoint duty", "卡口值守")?;
/// assert_eq!(c.name_zh(), "卡口值守");
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "CategoryWire")
)]
pub struct Category {
    key: CategoryKey,
    name_en: String,
    name_zh: String,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct CategoryWire {
    key: CategoryKey,
    name_en: String,
    name_zh: String,
}

#[cfg(feature = "serde")]
impl TryFrom<CategoryWire> for Category {
    type Error = CategoryError;
    fn try_from(w: CategoryWire) -> Result<Self, CategoryError> {
        Category::new(w.key, &w.name_en, &w.name_zh)
    }
}

impl Category {
    /// Builds a category with trimmed names.
    ///
    /// # Errors
    /// [`CategoryError::Name`] if a name is blank or longer than 100 characters.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Category, CategoryError};
    /// let c = Category::new("culture.opera".parse()?, " Opera ", "戏曲")?;
    /// assert_eq!(c.name_en(), "Opera"); // trimmed
    /// let err = Category::new("culture.opera".parse()?, "Opera", "  ").unwrap_err();
    /// assert!(matches!(err, CategoryError::Name { field: "chinese", .. }));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn new(key: CategoryKey, name_en: &str, name_zh: &str) -> Result<Self, CategoryError> {
        for (field, name) in [("english", name_en), ("chinese", name_zh)] {
            let len = name.trim().chars().count();
            if !(1..=100).contains(&len) {
                return Err(CategoryError::Name { key, field });
            }
        }
        Ok(Self {
            key,
            name_en: name_en.trim().to_owned(),
            name_zh: name_zh.trim().to_owned(),
        })
    }

    /// The category's key.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Category, CategoryKey};
    /// let key: CategoryKey = "culture.opera".parse()?;
    /// assert_eq!(Category::new(key.clone(), "Opera", "戏曲")?.key(), &key);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn key(&self) -> &CategoryKey {
        &self.key
    }

    /// The English name.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Category, Taxonomy};
    /// let c = Category::new("culture".parse()?, "Culture", "文化")?;
    /// assert_eq!(c.name_en(), "Culture");
    /// let menu = Taxonomy::default();
    /// assert_eq!(menu.get(&"epidemic.checkpoint".parse()?).map(|c| c.name_en()), Some("Checkpoint duty"));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn name_en(&self) -> &str {
        &self.name_en
    }

    /// The Chinese name.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Taxonomy;
    /// let menu = Taxonomy::default();
    /// assert_eq!(menu.get(&"epidemic.checkpoint".parse()?).map(|c| c.name_zh()), Some("卡口值守"));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn name_zh(&self) -> &str {
        &self.name_zh
    }
}

/// A service menu: categories of at most three levels, every parent present.
///
/// Serialised as a JSON array of [`Category`] in key order (parents before children);
/// deserialisation re-checks every rule.
///
/// # Example
/// ```
/// use volunteer_service::{Category, Taxonomy};
/// let mut menu = Taxonomy::new();
/// menu.insert(Category::new("elder_care".parse()?, "Elder care", "扶老")?)?;
/// menu.insert(Category::new("elder_care.visit".parse()?, "Home visits", "探访")?)?;
/// assert_eq!(menu.children(&"elder_care".parse()?).count(), 1);
/// assert!(menu.insert(Category::new("culture.opera".parse()?, "Opera", "戏曲")?).is_err());
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "Vec<Category>", into = "Vec<Category>")
)]
pub struct Taxonomy {
    nodes: BTreeMap<CategoryKey, Category>,
}

impl TryFrom<Vec<Category>> for Taxonomy {
    type Error = CategoryError;
    fn try_from(list: Vec<Category>) -> Result<Self, CategoryError> {
        Taxonomy::from_categories(list)
    }
}

impl From<Taxonomy> for Vec<Category> {
    fn from(t: Taxonomy) -> Self {
        t.nodes.into_values().collect()
    }
}

impl Taxonomy {
    /// An empty menu.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Taxonomy;
    /// let menu = Taxonomy::new();
    /// assert!(menu.is_empty());
    /// assert!(!Taxonomy::default().is_empty()); // the default is the seed menu
    /// ```
    pub fn new() -> Self {
        Self {
            nodes: BTreeMap::new(),
        }
    }

    /// Builds a menu from categories in any order (they are sorted so parents come first).
    ///
    /// # Errors
    /// [`CategoryError::Duplicate`] or [`CategoryError::MissingParent`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Category, Taxonomy};
    /// let menu = Taxonomy::from_categories([
    ///     Category::new("culture.opera".parse()?, "Opera", "戏曲")?,
    ///     Category::new("culture".parse()?, "Culture", "文化")?,
    /// ])?;
    /// assert_eq!(menu.roots().count(), 1);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn from_categories(
        categories: impl IntoIterator<Item = Category>,
    ) -> Result<Self, CategoryError> {
        let mut list: Vec<Category> = categories.into_iter().collect();
        list.sort_by(|a, b| (a.key.depth(), &a.key).cmp(&(b.key.depth(), &b.key)));
        let mut t = Self::new();
        for c in list {
            t.insert(c)?;
        }
        Ok(t)
    }

    /// Adds a category whose parent is already present.
    ///
    /// # Errors
    /// [`CategoryError::Duplicate`] or [`CategoryError::MissingParent`]; the menu is unchanged.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Category, CategoryError, Taxonomy};
    /// let mut menu = Taxonomy::new();
    /// menu.insert(Category::new("culture".parse()?, "Culture", "文化")?)?;
    /// menu.insert(Category::new("culture.opera".parse()?, "Opera", "戏曲")?)?;
    /// assert_eq!(menu.len(), 2);
    /// // A duplicate, or a category without its parent, is refused; the menu is unchanged.
    /// let dup = menu.insert(Category::new("culture".parse()?, "Culture", "文化")?);
    /// assert!(matches!(dup, Err(CategoryError::Duplicate { .. })));
    /// let orphan = menu.insert(Category::new("sport.run".parse()?, "Running", "跑步")?);
    /// assert!(matches!(orphan, Err(CategoryError::MissingParent { .. })));
    /// assert_eq!(menu.len(), 2);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn insert(&mut self, category: Category) -> Result<(), CategoryError> {
        if self.nodes.contains_key(&category.key) {
            return Err(CategoryError::Duplicate { key: category.key });
        }
        if let Some(parent) = category.key.parent()
            && !self.nodes.contains_key(&parent)
        {
            return Err(CategoryError::MissingParent {
                key: category.key,
                parent,
            });
        }
        self.nodes.insert(category.key.clone(), category);
        Ok(())
    }

    /// The category with this key.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Taxonomy;
    /// let menu = Taxonomy::default();
    /// assert_eq!(menu.get(&"epidemic.testing".parse()?).map(|c| c.name_zh()), Some("核酸检测点服务"));
    /// assert!(menu.get(&"space.launch".parse()?).is_none());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn get(&self, key: &CategoryKey) -> Option<&Category> {
        self.nodes.get(key)
    }

    /// Checks that `key` is on the menu.
    ///
    /// # Errors
    /// [`CategoryError::Unknown`].
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CategoryError, CategoryKey, Taxonomy};
    /// let menu = Taxonomy::default();
    /// assert_eq!(menu.check(&"epidemic".parse()?)?.name_en(), "Epidemic prevention and control");
    /// let unknown: CategoryKey = "space.launch".parse()?;
    /// assert_eq!(menu.check(&unknown).unwrap_err(), CategoryError::Unknown { key: unknown });
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn check(&self, key: &CategoryKey) -> Result<&Category, CategoryError> {
        self.nodes
            .get(key)
            .ok_or_else(|| CategoryError::Unknown { key: key.clone() })
    }

    /// The parent category of `key`, if `key` is below the top level and on the menu.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Taxonomy;
    /// let menu = Taxonomy::default();
    /// let parent = menu.parent(&"epidemic.testing.registration".parse()?);
    /// assert_eq!(parent.map(|c| c.key().as_str()), Some("epidemic.testing"));
    /// assert!(menu.parent(&"epidemic".parse()?).is_none()); // top level
    /// assert!(menu.parent(&"epidemic.testing.unknown".parse()?).is_none()); // not on the menu
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn parent(&self, key: &CategoryKey) -> Option<&Category> {
        if !self.nodes.contains_key(key) {
            return None;
        }
        key.parent().and_then(|p| self.nodes.get(&p))
    }

    /// Whether both keys are on the menu and `key` is `ancestor` or lies below it.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CategoryKey, Taxonomy};
    /// let menu = Taxonomy::default();
    /// let epidemic: CategoryKey = "epidemic".parse()?;
    /// assert!(menu.is_within(&"epidemic.testing.registration".parse()?, &epidemic));
    /// // Unlike CategoryKey::is_within, both keys must be on the menu.
    /// let unknown: CategoryKey = "epidemic.testing.unknown".parse()?;
    /// assert!(unknown.is_within(&epidemic));
    /// assert!(!menu.is_within(&unknown, &epidemic));
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn is_within(&self, key: &CategoryKey, ancestor: &CategoryKey) -> bool {
        self.nodes.contains_key(key) && self.nodes.contains_key(ancestor) && key.is_within(ancestor)
    }

    /// The categories directly below `key`, in key order.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CategoryKey, Taxonomy};
    /// let menu = Taxonomy::default();
    /// let testing: CategoryKey = "epidemic.testing".parse()?;
    /// let below: Vec<&str> = menu.children(&testing).map(|c| c.key().as_str()).collect();
    /// assert!(below.contains(&"epidemic.testing.registration"));
    /// assert!(below.iter().all(|k| k.matches('.').count() == 2)); // direct children only
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn children<'a>(&'a self, key: &'a CategoryKey) -> impl Iterator<Item = &'a Category> + 'a {
        self.nodes
            .values()
            .filter(move |c| c.key.parent().as_ref() == Some(key))
    }

    /// The top-level categories, in key order.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Category, Taxonomy};
    /// let menu = Taxonomy::from_categories([
    ///     Category::new("culture".parse()?, "Culture", "文化")?,
    ///     Category::new("culture.opera".parse()?, "Opera", "戏曲")?,
    ///     Category::new("sport".parse()?, "Sport", "体育")?,
    /// ])?;
    /// let roots: Vec<&str> = menu.roots().map(|c| c.name_en()).collect();
    /// assert_eq!(roots, ["Culture", "Sport"]);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn roots(&self) -> impl Iterator<Item = &Category> + '_ {
        self.nodes.values().filter(|c| c.key.depth() == 1)
    }

    /// Every category, parents before their children.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::Taxonomy;
    /// let menu = Taxonomy::default();
    /// assert_eq!(menu.iter().count(), menu.len());
    /// // Parents come before their children.
    /// let keys: Vec<_> = menu.iter().map(|c| c.key().clone()).collect();
    /// assert!(keys.iter().enumerate().all(|(i, k)| k.parent().is_none_or(|p| keys[..i].contains(&p))));
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &Category> + '_ {
        self.nodes.values()
    }

    /// The number of categories.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{JiangningRole, Taxonomy};
    /// assert_eq!(Taxonomy::new().len(), 0);
    /// assert_eq!(Taxonomy::jiangning_five_roles().len(), 1 + JiangningRole::ALL.len());
    /// ```
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the menu is empty.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{Category, Taxonomy};
    /// let mut menu = Taxonomy::new();
    /// assert!(menu.is_empty());
    /// menu.insert(Category::new("culture".parse()?, "Culture", "文化")?)?;
    /// assert!(!menu.is_empty());
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The five Jiangning roles (五员) as a menu of their own: a top level `five_roles` and
    /// one category per role, keyed as [`JiangningRole::key`] names them.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{JiangningRole, Taxonomy};
    /// let five = Taxonomy::jiangning_five_roles();
    /// assert_eq!(five.len(), 6);
    /// assert_eq!(five.get(&JiangningRole::Combat.key()).map(|c| c.name_zh()), Some("战斗员"));
    /// ```
    pub fn jiangning_five_roles() -> Self {
        let mut list = vec![("five_roles", "Jiangning five roles", "五员")];
        list.extend(JiangningRole::ALL.iter().map(|r| {
            let (_, en, zh) = r.names();
            (r.key_str(), en, zh)
        }));
        Self::from_static(&list).unwrap_or_default()
    }

    fn from_static(list: &[(&str, &str, &str)]) -> Result<Self, CategoryError> {
        let mut t = Self::new();
        for (key, en, zh) in list {
            t.insert(Category::new(CategoryKey::new(key)?, en, zh)?)?;
        }
        Ok(t)
    }
}

impl Default for Taxonomy {
    /// The service menu of the 2021 Jiangsu epidemic mobilisation plus general categories;
    /// see [`SEED_CATEGORIES`] for the full list.
    fn default() -> Self {
        Self::from_static(SEED_CATEGORIES).unwrap_or_else(|_| Self::new())
    }
}

/// The default service menu as `(key, English name, Chinese name)`, parents first.
///
/// The `epidemic` branch follows the seed bulletin: publicity (宣传), checkpoint duty
/// (卡口/战斗员), testing-site support (核酸检测点), screening (排查) with home
/// sample-collection escort (上门采样陪同), health (健康: psychological support, hotline,
/// sanitation), and living services (supplies, grocery and medicine delivery, refreshment
/// packs, online classes). Emergency drills and general categories follow.
///
/// # Example
/// ```
/// use volunteer_service::{Taxonomy, SEED_CATEGORIES};
/// // The default menu is exactly the seed list.
/// assert_eq!(Taxonomy::default().len(), SEED_CATEGORIES.len());
/// assert_eq!(SEED_CATEGORIES[0], ("epidemic", "Epidemic prevention and control", "疫情防控"));
/// ```
pub const SEED_CATEGORIES: &[(&str, &str, &str)] = &[
    ("epidemic", "Epidemic prevention and control", "疫情防控"),
    ("epidemic.publicity", "Epidemic publicity", "防疫宣传"),
    (
        "epidemic.publicity.door_to_door",
        "Door-to-door publicity",
        "入户宣传",
    ),
    (
        "epidemic.publicity.broadcast",
        "Mobile loudspeaker broadcast",
        "流动广播",
    ),
    ("epidemic.checkpoint", "Checkpoint duty", "卡口值守"),
    ("epidemic.checkpoint.road", "Road checkpoint", "道路卡口"),
    (
        "epidemic.checkpoint.community_gate",
        "Community gate duty",
        "小区门岗",
    ),
    ("epidemic.testing", "Testing-site support", "核酸检测点服务"),
    ("epidemic.testing.registration", "Registration", "信息登记"),
    ("epidemic.testing.crowd_order", "Crowd order", "秩序维护"),
    ("epidemic.screening", "Screening", "排查"),
    (
        "epidemic.screening.door_knocking",
        "Door-knocking screening",
        "敲门入户排查",
    ),
    (
        "epidemic.screening.entrance_check",
        "Entrance checks",
        "出入口查验",
    ),
    (
        "epidemic.screening.home_sampling_escort",
        "Home sample-collection escort",
        "上门采样陪同",
    ),
    ("epidemic.health", "Health support", "健康服务"),
    (
        "epidemic.health.psychological",
        "Psychological support",
        "心理疏导",
    ),
    (
        "epidemic.health.hotline",
        "Psychological hotline",
        "心理热线",
    ),
    ("epidemic.health.sanitation", "Sanitation", "环境卫生"),
    ("epidemic.service", "Living services", "生活服务"),
    ("epidemic.service.supplies", "Supplies delivery", "物资配送"),
    (
        "epidemic.service.grocery_medicine",
        "Grocery and medicine delivery",
        "代购买菜送药",
    ),
    (
        "epidemic.service.refreshments",
        "Refreshment packs",
        "爱心补给包",
    ),
    (
        "epidemic.service.online_classes",
        "Online classes",
        "线上课堂",
    ),
    ("emergency", "Emergency response", "应急救援"),
    ("emergency.drill", "Emergency drill", "应急演练"),
    ("emergency.rescue", "Rescue", "抢险救援"),
    (
        "elder_care",
        "Elder care and disability support",
        "扶老助残",
    ),
    ("elder_care.visit", "Home visits", "走访探望"),
    ("elder_care.daily_help", "Daily help", "生活帮扶"),
    ("education", "Education", "教育帮扶"),
    ("education.tutoring", "Tutoring", "课业辅导"),
    ("education.science", "Science popularisation", "科普宣传"),
    ("environment", "Environment", "生态环保"),
    ("environment.cleanup", "Clean-up", "环境整治"),
    ("environment.greening", "Greening", "植绿护绿"),
    ("community", "Community service", "社区服务"),
    ("community.civility", "Civility promotion", "文明劝导"),
    ("culture", "Culture and sports", "文体服务"),
];

/// The five volunteer roles (五员) of Nanjing's Jiangning district, each a service category.
///
/// Each role maps onto categories of the default menu ([`JiangningRole::categories`]) and
/// onto its own key in [`Taxonomy::jiangning_five_roles`].
///
/// # Example
/// ```
/// use volunteer_service::{CategoryKey, JiangningRole, Taxonomy};
/// let escort: CategoryKey = "epidemic.screening.home_sampling_escort".parse()?;
/// assert_eq!(JiangningRole::for_category(&escort), Some(JiangningRole::Screening));
/// let menu = Taxonomy::default();
/// assert!(JiangningRole::ALL.iter().all(|r| r.categories().iter().all(|k| menu.get(k).is_some())));
/// # Ok::<(), volunteer_service::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum JiangningRole {
    /// 宣传员: door-to-door and loudspeaker publicity.
    Publicity,
    /// 战斗员: checkpoints, community gates, registration and order at testing sites.
    Combat,
    /// 健康员: psychological hotline and support, sanitation.
    Health,
    /// 排查员: screening, entrance checks, home sample-collection escort.
    Screening,
    /// 服务员: supplies, refreshment packs, online classes.
    Service,
}

impl JiangningRole {
    /// All five roles in the bulletin's order.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{JiangningRole, Taxonomy};
    /// assert_eq!(JiangningRole::ALL.len(), 5);
    /// // Each role's categories are on the default menu.
    /// let menu = Taxonomy::default();
    /// assert!(JiangningRole::ALL.iter().all(|r| r.categories().iter().all(|k| menu.get(k).is_some())));
    /// ```
    pub const ALL: [Self; 5] = [
        Self::Publicity,
        Self::Combat,
        Self::Health,
        Self::Screening,
        Self::Service,
    ];

    fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Publicity => ("publicity", "Publicity volunteer", "宣传员"),
            Self::Combat => ("combat", "Checkpoint (combat) volunteer", "战斗员"),
            Self::Health => ("health", "Health volunteer", "健康员"),
            Self::Screening => ("screening", "Screening volunteer", "排查员"),
            Self::Service => ("service", "Service volunteer", "服务员"),
        }
    }

    fn key_str(self) -> &'static str {
        match self {
            Self::Publicity => "five_roles.publicity",
            Self::Combat => "five_roles.combat",
            Self::Health => "five_roles.health",
            Self::Screening => "five_roles.screening",
            Self::Service => "five_roles.service",
        }
    }

    fn default_keys(self) -> &'static [&'static str] {
        match self {
            Self::Publicity => &["epidemic.publicity"],
            Self::Combat => &["epidemic.checkpoint", "epidemic.testing"],
            Self::Health => &["epidemic.health"],
            Self::Screening => &["epidemic.screening"],
            Self::Service => &["epidemic.service"],
        }
    }

    /// The role's key in [`Taxonomy::jiangning_five_roles`], e.g. `five_roles.combat`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{JiangningRole, Taxonomy};
    /// assert_eq!(JiangningRole::Combat.key().as_str(), "five_roles.combat");
    /// assert!(Taxonomy::jiangning_five_roles().get(&JiangningRole::Health.key()).is_some());
    /// ```
    pub fn key(self) -> CategoryKey {
        CategoryKey(self.key_str().into())
    }

    /// The Chinese name, e.g. `战斗员`.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::JiangningRole;
    /// assert_eq!(JiangningRole::Combat.name_zh(), "战斗员");
    /// assert_eq!(JiangningRole::Publicity.name_zh(), "宣传员");
    /// ```
    pub fn name_zh(self) -> &'static str {
        self.names().2
    }

    /// The default-menu categories the role covers (with everything below them).
    ///
    /// # Example
    /// ```
    /// use volunteer_service::{CategoryKey, JiangningRole};
    /// let keys = JiangningRole::Combat.categories();
    /// assert_eq!(keys.iter().map(CategoryKey::as_str).collect::<Vec<_>>(), ["epidemic.checkpoint", "epidemic.testing"]);
    /// ```
    pub fn categories(self) -> Vec<CategoryKey> {
        self.default_keys()
            .iter()
            .map(|k| CategoryKey((*k).into()))
            .collect()
    }

    /// The role whose default-menu categories cover `key`, or whose five-role key it is.
    ///
    /// # Example
    /// ```
    /// use volunteer_service::JiangningRole;
    /// assert_eq!(JiangningRole::for_category(&"epidemic.checkpoint.road".parse()?), Some(JiangningRole::Combat));
    /// assert_eq!(JiangningRole::for_category(&"five_roles.service".parse()?), Some(JiangningRole::Service));
    /// assert_eq!(JiangningRole::for_category(&"elder_care".parse()?), None);
    /// # Ok::<(), volunteer_service::Error>(())
    /// ```
    pub fn for_category(key: &CategoryKey) -> Option<Self> {
        Self::ALL.into_iter().find(|r| {
            key == &r.key()
                || r.default_keys()
                    .iter()
                    .any(|k| key.is_within(&CategoryKey((*k).into())))
        })
    }
}

impl fmt::Display for JiangningRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.names().0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(feature = "proptest")]
    use proptest::prelude::*;

    fn k(s: &str) -> CategoryKey {
        s.parse().unwrap()
    }

    #[test]
    fn keys_are_validated() {
        assert!(CategoryKey::new("epidemic.testing.registration").is_ok());
        assert!(matches!(
            CategoryKey::new("a.b.c.d"),
            Err(CategoryError::Depth { depth: 4, .. })
        ));
        for bad in ["", "a..b", "A", "a.B", "1a", "a-b", "a.", ".a", "检测"] {
            assert!(
                matches!(CategoryKey::new(bad), Err(CategoryError::Segment { .. })),
                "{bad}"
            );
        }
        assert!(CategoryKey::new(&"a".repeat(101)).is_err());
    }

    #[test]
    fn is_within_respects_segment_boundaries() {
        assert!(k("epidemic.testing").is_within(&k("epidemic")));
        assert!(!k("epidemic_x").is_within(&k("epidemic")));
        assert!(!k("epidemic").is_within(&k("epidemic.testing")));
        assert_eq!(k("a.b.c").root(), k("a"));
    }

    #[test]
    fn default_menu_is_complete_and_three_levels_at_most() {
        let menu = Taxonomy::default();
        assert_eq!(menu.len(), SEED_CATEGORIES.len());
        assert!(Taxonomy::from_static(SEED_CATEGORIES).is_ok());
        for key in [
            "epidemic.publicity",
            "epidemic.checkpoint",
            "epidemic.testing.registration",
            "epidemic.testing.crowd_order",
            "epidemic.screening.door_knocking",
            "epidemic.screening.entrance_check",
            "epidemic.screening.home_sampling_escort",
            "epidemic.service.supplies",
            "epidemic.service.grocery_medicine",
            "epidemic.health.psychological",
            "epidemic.health.hotline",
            "epidemic.health.sanitation",
            "epidemic.service.online_classes",
            "emergency.drill",
            "epidemic.service.refreshments",
            "elder_care",
            "education",
            "environment",
        ] {
            assert!(menu.get(&k(key)).is_some(), "{key}");
        }
        assert!(menu.iter().all(|c| c.key().depth() <= MAX_CATEGORY_DEPTH));
        assert!(menu.is_within(&k("epidemic.testing.registration"), &k("epidemic")));
        assert_eq!(
            menu.parent(&k("epidemic.testing.registration"))
                .map(Category::name_zh),
            Some("核酸检测点服务")
        );
        assert_eq!(menu.children(&k("epidemic.testing")).count(), 2);
    }

    #[test]
    fn parent_must_exist_and_keys_are_unique() {
        let mut menu = Taxonomy::new();
        let orphan = Category::new(k("a.b"), "B", "乙").unwrap();
        let before = menu.clone();
        assert!(matches!(
            menu.insert(orphan.clone()),
            Err(CategoryError::MissingParent { .. })
        ));
        assert_eq!(menu, before);
        menu.insert(Category::new(k("a"), "A", "甲").unwrap())
            .unwrap();
        menu.insert(orphan.clone()).unwrap();
        let before = menu.clone();
        assert_eq!(
            menu.insert(orphan),
            Err(CategoryError::Duplicate { key: k("a.b") })
        );
        assert_eq!(menu, before);
    }

    #[test]
    fn names_must_not_be_blank() {
        assert!(matches!(
            Category::new(k("a"), " ", "甲"),
            Err(CategoryError::Name {
                field: "english",
                ..
            })
        ));
    }

    #[test]
    fn five_roles_map_onto_the_menu() {
        let five = Taxonomy::jiangning_five_roles();
        assert_eq!(five.len(), 6);
        assert_eq!(
            JiangningRole::for_category(&k("epidemic.testing.crowd_order")),
            Some(JiangningRole::Combat)
        );
        assert_eq!(
            JiangningRole::for_category(&k("epidemic.health.hotline")),
            Some(JiangningRole::Health)
        );
        assert_eq!(
            JiangningRole::for_category(&k("five_roles.service")),
            Some(JiangningRole::Service)
        );
        assert_eq!(JiangningRole::for_category(&k("education")), None);
        for r in JiangningRole::ALL {
            assert!(five.get(&r.key()).is_some());
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn taxonomy_round_trips_and_rejects_orphans() {
        let menu = Taxonomy::default();
        let json = serde_json::to_string(&menu).unwrap();
        let back: Taxonomy = serde_json::from_str(&json).unwrap();
        assert_eq!(back, menu);
        let orphan = r#"[{"key":"a.b","name_en":"B","name_zh":"乙"}]"#;
        assert!(serde_json::from_str::<Taxonomy>(orphan).is_err());
        assert!(serde_json::from_str::<CategoryKey>(r#""A.b""#).is_err());
    }

    #[cfg(feature = "proptest")]
    proptest! {
        #[test]
        fn parsing_round_trips(key in crate::strategies::category_key()) {
            prop_assert_eq!(key.to_string().parse::<CategoryKey>().unwrap(), key.clone());
            if let Some(p) = key.parent() {
                prop_assert!(key.is_within(&p));
                prop_assert_eq!(p.depth() + 1, key.depth());
            }
        }
    }
}
