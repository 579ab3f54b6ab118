//! Where credentials come from: `HALOPSA_*` variables, or a named profile
//! in the config file that `halo login` writes (`config.yaml` in the
//! user's config directory, `HALOPSA_CONFIG` to put it elsewhere).
//!
//! The file holds client secrets: it is created readable by its owner only
//! (mode 0600, in a directory of mode 0700), and refused when group or
//! others can read it. A secret never reaches the terminal or a log: the
//! builder and `Profile` redact it in `Debug`.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::Failure;
use crate::HaloClientBuilder;

/// Names the config file, instead of the user's config directory.
pub(crate) const ENV_CONFIG: &str = "HALOPSA_CONFIG";
/// Names the profile to use, like `--profile`.
pub(crate) const ENV_PROFILE: &str = "HALOPSA_PROFILE";
/// The profile used when none is named and no `HALOPSA_BASE_URL` is set.
pub(crate) const DEFAULT_PROFILE: &str = "default";

/// The config file.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// One saved set of credentials.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Profile {
    pub(crate) base_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) tenant: Option<String>,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) scope: Option<String>,
}

impl Profile {
    /// A client builder with these settings.
    pub(crate) fn builder(&self) -> HaloClientBuilder {
        let mut builder = HaloClientBuilder::default()
            .base_url(&self.base_url)
            .client_id(&self.client_id)
            .client_secret(self.client_secret.clone());
        if let Some(tenant) = &self.tenant {
            builder = builder.tenant(tenant);
        }
        if let Some(scope) = &self.scope {
            builder = builder.scope(scope);
        }
        builder
    }
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Profile")
            .field("base_url", &self.base_url)
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("scope", &self.scope)
            .finish()
    }
}

/// The config file's path.
pub(crate) fn path() -> Result<PathBuf, Failure> {
    if let Some(path) = std::env::var_os(ENV_CONFIG).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    dirs::config_dir()
        .map(|dir| dir.join("halo").join("config.yaml"))
        .ok_or_else(|| {
            Failure::usage(
                "no config directory is known for this user",
                format!("set {ENV_CONFIG} to the file to use, or HALOPSA_* variables"),
            )
        })
}

/// The client builder for this run: the profile named by `--profile` (or
/// `HALOPSA_PROFILE`); else `HALOPSA_*` variables when `HALOPSA_BASE_URL`
/// is set; else the `default` profile.
pub(crate) fn builder(profile: Option<&str>) -> Result<HaloClientBuilder, Failure> {
    let named = profile
        .map(str::to_owned)
        .or_else(|| std::env::var(ENV_PROFILE).ok().filter(|p| !p.is_empty()));
    let env_set = std::env::var("HALOPSA_BASE_URL").is_ok_and(|url| !url.trim().is_empty());
    if named.is_none() && env_set {
        return Ok(HaloClientBuilder::from_env());
    }
    let path = path()?;
    let file = load(&path)?;
    let name = named.as_deref().unwrap_or(DEFAULT_PROFILE);
    match file.and_then(|mut file| file.profiles.remove(name)) {
        Some(profile) => Ok(profile.builder()),
        None if named.is_none() => Err(Failure::auth(
            "no credentials: HALOPSA_BASE_URL is not set and there is no saved profile",
            "set HALOPSA_BASE_URL, HALOPSA_CLIENT_ID, HALOPSA_CLIENT_SECRET (and HALOPSA_TENANT), \
             or save a profile with `halo login`; `halo fake` starts a server to try it on",
        )),
        None => Err(Failure::usage(
            format!("there is no profile `{name}` in {}", path.display()),
            format!("save it with `halo login --profile {name}`"),
        )),
    }
}

/// Reads the file at `path`, if there is one, after checking that only its
/// owner can read it.
fn load(path: &Path) -> Result<Option<File>, Failure> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) => {
            return Err(Failure::usage(
                format!("cannot read {}: {err}", path.display()),
                "check the file's permissions",
            ))
        }
    };
    private(path)?;
    serde_yaml::from_str(&text).map(Some).map_err(|err| {
        Failure::usage(
            format!("{} is not a valid config file: {err}", path.display()),
            "fix it, or remove it and run `halo login` again",
        )
    })
}

/// Saves `profile` as `name`, keeping the file's other profiles. The file
/// is written whole to a new file of mode 0600 beside it, then renamed over
/// it, so a failure never leaves half a file.
pub(crate) fn save(path: &Path, name: &str, profile: Profile) -> Result<(), Failure> {
    let mut file = load(path)?.unwrap_or_default();
    file.profiles.insert(name.to_owned(), profile);
    let text = serde_yaml::to_string(&file).map_err(|err| Failure::failed(err.to_string()))?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let cannot = |err: io::Error| {
        Failure::usage(
            format!("cannot write {}: {err}", path.display()),
            format!(
                "check the permissions of {}, or set {ENV_CONFIG}",
                dir.display()
            ),
        )
    };
    create_private_dir(dir).map_err(cannot)?;
    let temporary = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("config"),
        std::process::id()
    ));
    let written = create_private_file(&temporary)
        .and_then(|mut out| {
            out.write_all(
                b"# Profiles of the halo command-line client. Holds secrets: keep it mode 0600.\n",
            )?;
            out.write_all(text.as_bytes())?;
            out.sync_all()
        })
        .and_then(|()| fs::rename(&temporary, path));
    if let Err(err) = written {
        let _ = fs::remove_file(&temporary);
        return Err(cannot(err));
    }
    Ok(())
}

#[cfg(unix)]
fn private(path: &Path) -> Result<(), Failure> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(path)
        .map_err(|err| {
            Failure::usage(
                format!("cannot read {}: {err}", path.display()),
                "check the file",
            )
        })?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(Failure::usage(
            format!(
                "{} holds secrets but others can access it (mode {:04o}); it is not read",
                path.display(),
                mode & 0o7777
            ),
            format!("run `chmod 600 {}`", path.display()),
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn private(_path: &Path) -> Result<(), Failure> {
    Ok(())
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

#[cfg(unix)]
fn create_private_file(path: &Path) -> io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private_file(path: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}
