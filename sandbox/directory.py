"""Seeding the tenant into the store, and looking users up as Graph does."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sandbox.errors import GraphError
from sandbox.store import Store
from sandbox.tenant import GroupSeed, TenantSeed, UserSeed, group_id_for, user_id_for

USERS = "users"
GROUPS = "groups"
_MEMBERS = "groupMembers"
FOLDERS = "mailFolders"
WELL_KNOWN_FOLDERS = {
    "inbox": "Inbox",
    "sentitems": "Sent Items",
    "drafts": "Drafts",
    "deleteditems": "Deleted Items",
}
_FOLDER_NAMESPACE = uuid.UUID("0b7c2f38-5d0e-4f6b-8e3c-1d2a9e7f4c55")


def folder_id_for(user_id: str, well_known: str) -> str:
    """Return the stable id of a user's well-known mail folder."""
    return str(uuid.uuid5(_FOLDER_NAMESPACE, f"{user_id}/{well_known}"))


def _mailbox_settings(seed: UserSeed) -> dict[str, Any]:
    replies: dict[str, Any] = {
        "status": "disabled",
        "externalAudience": "all",
        "internalReplyMessage": "",
        "externalReplyMessage": "",
        "scheduledStartDateTime": None,
        "scheduledEndDateTime": None,
    }
    if seed.out_of_office is not None:
        away = seed.out_of_office
        replies.update(
            status=away.status,
            internalReplyMessage=away.message,
            externalReplyMessage=away.message,
        )
        if away.start and away.end:
            replies["scheduledStartDateTime"] = _utc_datetime_time_zone(away.start)
            replies["scheduledEndDateTime"] = _utc_datetime_time_zone(away.end)
    hours = seed.working_hours
    return {
        "timeZone": seed.time_zone,
        "language": {"locale": "en-US", "displayName": "English (United States)"},
        "dateFormat": "yyyy-MM-dd",
        "timeFormat": "HH:mm",
        "delegateMeetingMessageDeliveryOptions": "sendToDelegateOnly",
        "userPurpose": seed.mailbox_purpose,
        "archiveFolder": None,
        "automaticRepliesSetting": replies,
        "workingHours": {
            "daysOfWeek": hours.days,
            "startTime": f"{hours.start}:00.0000000",
            "endTime": f"{hours.end}:00.0000000",
            "timeZone": {"name": seed.time_zone},
        },
    }


def _utc_datetime_time_zone(when: datetime) -> dict[str, str]:
    return {"dateTime": when.strftime("%Y-%m-%dT%H:%M:%S.0000000"), "timeZone": "UTC"}


def seed_tenant(store: Store, tenant: TenantSeed) -> None:
    """Write the tenant's users, their folders and settings into an empty store."""
    with store.transaction():
        for seed in tenant.users:
            user_id = user_id_for(seed.upn)
            given, _, surname = seed.display_name.partition(" ")
            store.put(
                USERS,
                "",
                user_id,
                {
                    "id": user_id,
                    "displayName": seed.display_name,
                    "givenName": given,
                    "surname": surname or None,
                    "userPrincipalName": seed.upn.lower(),
                    "mail": seed.upn.lower(),
                    "jobTitle": seed.job_title,
                    "businessPhones": [],
                    "mobilePhone": None,
                    "officeLocation": None,
                    "preferredLanguage": "en-US",
                },
            )
            store.put("mailboxSettings", user_id, "settings", _mailbox_settings(seed))
            if seed.manager:
                store.put("manager", user_id, "manager", {"id": user_id_for(seed.manager)})
            _seed_folders(store, user_id)
        for group in tenant.groups:
            group_id = group_id_for(group.mail)
            store.put(GROUPS, "", group_id, _group_document(group_id, group))
            store.put(
                _MEMBERS, "", group_id, {"members": [user_id_for(upn) for upn in group.members]}
            )


def _seed_folders(store: Store, user_id: str) -> None:
    for well_known, name in WELL_KNOWN_FOLDERS.items():
        folder_id = folder_id_for(user_id, well_known)
        store.put(
            FOLDERS,
            user_id,
            folder_id,
            {
                "id": folder_id,
                "displayName": name,
                "parentFolderId": None,
                "childFolderCount": 0,
                "unreadItemCount": 0,
                "totalItemCount": 0,
                "isHidden": False,
                "wellKnownName": well_known,
            },
        )


def _group_document(group_id: str, group: GroupSeed) -> dict[str, Any]:
    return {
        "id": group_id,
        "displayName": group.display_name,
        "mail": group.mail.lower(),
        "mailEnabled": True,
        "mailNickname": group.mail.partition("@")[0],
        "securityEnabled": False,
        "groupTypes": ["Unified"] if group.unified else [],
        "description": None,
        "visibility": "Private" if group.unified else None,
    }


class Directory:
    """Look-ups of users and folders over the store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def user(self, key: str) -> dict[str, Any]:
        """Return a user by object id or user principal name (case-insensitive).

        Raises:
            GraphError: 404 ``Request_ResourceNotFound`` when there is no such user.
        """
        found = self.find_user(key)
        if found is None:
            raise GraphError(
                404,
                "Request_ResourceNotFound",
                f"Resource '{key}' does not exist or one of its queried reference-property "
                "objects are not present.",
            )
        return found

    def find_user(self, key: str) -> dict[str, Any] | None:
        """Return a user by id, UPN or mail address, or ``None``."""
        by_id = self._store.get(USERS, "", key)
        if by_id is not None:
            return by_id
        return self._store.get(USERS, "", user_id_for(key)) if "@" in key else None

    def all_users(self) -> list[dict[str, Any]]:
        """Return every user."""
        return self._store.list(USERS, "")

    def find_group(self, key: str) -> dict[str, Any] | None:
        """Return a group by id or address, or ``None``."""
        by_id = self._store.get(GROUPS, "", key)
        if by_id is not None:
            return by_id
        return self._store.get(GROUPS, "", group_id_for(key)) if "@" in key else None

    def all_groups(self) -> list[dict[str, Any]]:
        """Return every group."""
        return self._store.list(GROUPS, "")

    def group_members(self, group_id: str) -> list[dict[str, Any]]:
        """Return a group's direct members (users)."""
        link = self._store.get(_MEMBERS, "", group_id) or {}
        found = [self._store.get(USERS, "", str(member)) for member in link.get("members", [])]
        return [member for member in found if member is not None]

    def manager_of(self, user_id: str) -> dict[str, Any] | None:
        """Return a user's manager, or ``None``."""
        link = self._store.get("manager", user_id, "manager")
        return None if link is None else self._store.get(USERS, "", str(link["id"]))

    def direct_reports(self, user_id: str) -> list[dict[str, Any]]:
        """Return the users whose manager is ``user_id``."""
        return [
            user
            for user in self.all_users()
            if (link := self._store.get("manager", user["id"], "manager")) is not None
            and link["id"] == user_id
        ]

    def mailbox_settings(self, user_id: str) -> dict[str, Any]:
        """Return a user's mailbox settings."""
        return self._store.get("mailboxSettings", user_id, "settings") or {}

    def folder(self, user_id: str, key: str) -> dict[str, Any]:
        """Return a mail folder by id or well-known name.

        Raises:
            GraphError: 404 ``ErrorItemNotFound`` for an unknown folder.
        """
        lowered = key.lower()
        folder_id = folder_id_for(user_id, lowered) if lowered in WELL_KNOWN_FOLDERS else key
        found = self._store.get(FOLDERS, user_id, folder_id)
        if found is None:
            raise GraphError(
                404, "ErrorItemNotFound", "The specified object was not found in the store."
            )
        return found
