//! Accounts and browser sessions: creating users, signing in with throttling, and looking
//! up the user behind a session cookie.

use albumen_core::grant::WebSession;
use albumen_core::user::{DisplayName, Email, InvalidValue, NewUser, User, UserId};
use albumen_core::{Page, Paged, StoreError};

use crate::authority::Authority;
use crate::password::{self, PasswordError};
use crate::secrets;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    Invalid(#[from] InvalidValue),
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error("the first administrator already exists")]
    AlreadySetUp,
    #[error("The last administrator cannot be disabled or deleted.")]
    LastAdministrator,
    #[error("no such user")]
    NotFound,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for AccountError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict {
                what: "users.email",
            } => Self::EmailTaken,
            StoreError::NotFound => Self::NotFound,
            other => Self::Store(other),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Wrong email or password (never says which).
    #[error("Wrong email or password.")]
    BadCredentials,
    #[error("Too many failed attempts. Try again later.")]
    Throttled,
    #[error("This account is disabled.")]
    Disabled,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A new session: the secret goes in the cookie, only its digest is stored.
#[derive(Debug)]
pub struct SessionStart {
    pub secret: String,
    pub session: WebSession,
    pub user: User,
}

impl Authority {
    /// Creates an account (the password is hashed with Argon2id first).
    pub async fn create_user(
        &self,
        email: &str,
        display_name: &str,
        password: Option<String>,
        is_admin: bool,
    ) -> Result<User, AccountError> {
        let email = Email::parse(email)?;
        let display_name = DisplayName::parse(display_name)?;
        let password_hash = match password {
            Some(password) => Some(password::hash(password).await?),
            None => None,
        };
        let user = NewUser {
            id: UserId::random(),
            email,
            display_name,
            password_hash,
            is_admin,
            created_at: self.clock.now(),
        };
        Ok(self.store.insert_user(&user).await?)
    }

    /// Whether the server still needs its first administrator.
    pub async fn needs_first_admin(&self) -> Result<bool, StoreError> {
        Ok(self.store.count_users().await? == 0)
    }

    /// Creates the first administrator; refused once any user exists.
    pub async fn create_first_admin(
        &self,
        email: &str,
        display_name: &str,
        password: String,
    ) -> Result<User, AccountError> {
        if !self.needs_first_admin().await? {
            return Err(AccountError::AlreadySetUp);
        }
        self.create_user(email, display_name, Some(password), true)
            .await
    }

    /// Checks an email and password (for sign-in and HTTP Basic on the admin API), with the
    /// same throttling and the same answer for unknown emails and wrong passwords.
    pub async fn verify_credentials(
        &self,
        email: &str,
        password: String,
        address: &str,
    ) -> Result<User, SignInError> {
        let now = self.clock.now();
        let window = self.settings.sign_in_window;
        let email = Email::parse(email).ok();
        // Attempts are counted per account and address together, so a stranger guessing
        // from elsewhere cannot lock the owner out, and per address, to slow one guesser
        // spreading over many accounts. Each attempt is counted before the password is
        // checked, so parallel guesses cannot slip past the limit.
        let pair_key = format!(
            "account:{}|{address}",
            email.as_ref().map_or("", |e| e.as_str())
        );
        let address_key = format!("address:{address}");
        let pair_attempts = self.store.record_failure(&pair_key, now, window).await?;
        let address_attempts = self.store.record_failure(&address_key, now, window).await?;
        if pair_attempts > self.settings.max_failures_per_account
            || address_attempts > self.settings.max_failures_per_address
        {
            return Err(SignInError::Throttled);
        }
        let user = match &email {
            Some(email) => match self.store.get_user_by_email(email).await {
                Ok(user) => Some(user),
                Err(StoreError::NotFound) => None,
                Err(other) => return Err(other.into()),
            },
            None => None,
        };
        let stored = user.as_ref().and_then(|u| u.password_hash.clone());
        if !password::verify(password, stored).await {
            return Err(SignInError::BadCredentials);
        }
        let user = user.ok_or(SignInError::BadCredentials)?;
        if user.disabled {
            return Err(SignInError::Disabled);
        }
        self.store.clear_failures(&pair_key).await?;
        Ok(user)
    }

    /// Checks a password and opens a session. Failures count against the account and the
    /// address; past the limits no password is checked until the window has passed.
    pub async fn sign_in(
        &self,
        email: &str,
        password: String,
        address: &str,
    ) -> Result<SessionStart, SignInError> {
        let user = self.verify_credentials(email, password, address).await?;
        let now = self.clock.now();
        let secret = secrets::new_opaque(43);
        let session = WebSession {
            digest: secrets::digest(&secret),
            user_id: user.id.clone(),
            csrf_token: secrets::new_opaque(32),
            created_at: now,
            expires_at: now + self.settings.session_lifetime,
        };
        self.store.insert_session(&session).await?;
        Ok(SessionStart {
            secret,
            session,
            user,
        })
    }

    /// The live session and enabled user behind a cookie secret, if any.
    pub async fn session_user(
        &self,
        secret: &str,
    ) -> Result<Option<(User, WebSession)>, StoreError> {
        let session = match self.store.get_session(&secrets::digest(secret)).await {
            Ok(session) => session,
            Err(StoreError::NotFound) => return Ok(None),
            Err(other) => return Err(other),
        };
        if session.expires_at <= self.clock.now() {
            self.store.delete_session(&session.digest).await?;
            return Ok(None);
        }
        let user = match self.store.get_user(&session.user_id).await {
            Ok(user) if !user.disabled => user,
            Ok(_) | Err(StoreError::NotFound) => return Ok(None),
            Err(other) => return Err(other),
        };
        Ok(Some((user, session)))
    }

    pub async fn sign_out(&self, secret: &str) -> Result<(), StoreError> {
        self.store.delete_session(&secrets::digest(secret)).await
    }

    pub async fn list_users(&self, page: &Page) -> Result<Paged<User>, StoreError> {
        self.store.list_users(page).await
    }

    pub async fn find_user_by_email(&self, email: &str) -> Result<User, AccountError> {
        Ok(self.store.get_user_by_email(&Email::parse(email)?).await?)
    }

    /// Disabling ends the user's sessions at once.
    pub async fn set_user_disabled(&self, id: &UserId, disabled: bool) -> Result<(), AccountError> {
        if disabled {
            self.keep_an_administrator(id).await?;
        }
        self.store.set_user_disabled(id, disabled).await?;
        if disabled {
            // Signed out everywhere, and every app's access ends with it.
            self.store.delete_sessions_of_user(id).await?;
            let now = self.clock.now();
            for grant in self.store.list_grants_of(id).await? {
                self.store.revoke_grant(&grant.id, now).await?;
            }
        }
        Ok(())
    }

    pub async fn delete_user(&self, id: &UserId) -> Result<(), AccountError> {
        self.keep_an_administrator(id).await?;
        Ok(self.store.delete_user(id).await?)
    }

    /// Refuses to take away the only enabled administrator (nobody could manage the server).
    async fn keep_an_administrator(&self, leaving: &UserId) -> Result<(), AccountError> {
        let mut others = 0;
        let mut page = Page::first(Page::MAX_SIZE);
        loop {
            let batch = self.store.list_users(&page).await?;
            others += batch
                .items
                .iter()
                .filter(|u| u.is_admin && !u.disabled && &u.id != leaving)
                .count();
            match batch.next {
                Some(next) if others == 0 => page = Page::after(Page::MAX_SIZE, next),
                _ => break,
            }
        }
        let leaving_is_admin = self.store.get_user(leaving).await?.is_admin;
        if leaving_is_admin && others == 0 {
            return Err(AccountError::LastAdministrator);
        }
        Ok(())
    }
}
