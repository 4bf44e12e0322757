//! The organisation's support contacts. Only the key contact may manage them; the portal
//! enforces that, so the desk passes its refusal through.

use casewatch_api::{ContactCreated, ContactList, NewContact};

use super::{Desk, DeskResult};

impl Desk {
    /// The organisation's support contacts.
    pub async fn contacts(&self) -> DeskResult<ContactList> {
        Ok(self.session.api.contacts().await?)
    }

    /// Registers a support contact (the generated password is in the answer, shown once).
    pub async fn contact_add(&self, contact: &NewContact) -> DeskResult<ContactCreated> {
        Ok(self.session.api.add_contact(contact).await?)
    }

    /// Removes a support contact.
    pub async fn contact_remove(&self, id: i64) -> DeskResult<()> {
        Ok(self.session.api.remove_contact(id).await?)
    }
}
