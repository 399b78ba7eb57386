"""The audit log page: every staff member reads what staff did, newest first."""
from flask import request

from storefront import db
from storefront.models import STAFF_ROLES
from storefront.rendering import render
from storefront.roles import role_required
from storefront.services import audit
from storefront.staff import bp

PAGE_SIZE = 50


@bp.get("/audit")
@role_required(*STAFF_ROLES)
def audit_log():
    before = request.args.get("before", "")
    before_id = int(before) if before.isdigit() and len(before) < 10 else None
    entries = audit.entries(db.session(), before_id, PAGE_SIZE)
    return render("staff/audit.html", entries=entries,
                  next_before=entries[-1].id if len(entries) == PAGE_SIZE else None)
