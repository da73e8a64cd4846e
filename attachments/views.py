"""Attachment pages: add a document to a case, download one, take a wrong one off.

Every page loads the case as the case pages do (404 for a case the user may not see) and then
the attachment among those the user may read, so that an attachment's id names nothing to
someone who may not read it.
"""

import urllib.parse
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views import generic

from lk3_flow.uploads import upload_max_bytes
from lk3_flow.views import VisibleCaseMixin, case_url
from permissions.selectors import CaseAccess

from . import content, selectors, services
from .forms import RemoveForm, UploadForm
from .models import Attachment


def content_disposition(filename: str) -> str:
    """RFC 6266: an ASCII fallback for old clients, and the UTF-8 name for the others."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_")
    fallback = fallback.replace("\\", "_").replace('"', "_")
    quoted = urllib.parse.quote(filename, safe="")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quoted}"


class AttachmentMixin(VisibleCaseMixin):
    """The case of the URL and its attachment, as far as the user may read it."""

    required_access = CaseAccess.REGISTRATION

    def get_attachment(self) -> Attachment:
        self.case = self.get_case()
        attachment = (
            selectors.attachments_readable_by(self.request.user, self.case, self.access)
            .filter(pk=self.kwargs["attachment_pk"])
            .first()
        )
        if attachment is None:
            raise Http404
        return attachment


class UploadView(VisibleCaseMixin, generic.FormView):
    form_class = UploadForm
    template_name = "attachments/upload.html"
    required_access = CaseAccess.REGISTRATION

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.case = self.get_case()
        self.kinds = selectors.kinds_user_may_add(request.user, self.case, self.access)
        if not self.kinds:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "kinds": self.kinds}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            case=self.case, max_megabytes=upload_max_bytes() // (1024 * 1024), **kwargs
        )

    def form_valid(self, form: UploadForm) -> HttpResponse:
        upload = form.cleaned_data["file"]
        try:
            attachment = services.add_attachment(
                case=self.case,
                actor=self.request.user,
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
                filename=upload.name or "",
                data=upload.read(),
            )
        except content.Refused as error:
            form.add_error("file", error)
            return self.form_invalid(form)
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        kind = attachment.get_kind_display()
        messages.success(
            self.request, _("%(kind)s has been added to the case file.") % {"kind": kind}
        )
        return HttpResponseRedirect(case_url(self.case))


class DownloadView(AttachmentMixin, generic.View):
    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        attachment = self.get_attachment()
        if not attachment.file:  # erased with the client's personal data
            raise Http404
        services.record_download(attachment=attachment, actor=request.user)
        response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
        response["Content-Disposition"] = content_disposition(attachment.original_name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class RemoveView(AttachmentMixin, generic.FormView):
    form_class = RemoveForm
    template_name = "attachments/remove.html"

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.attachment = self.get_attachment()
        if not selectors.may_remove(request.user, self.attachment, self.access):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(case=self.case, attachment=self.attachment, **kwargs)

    def form_valid(self, form: RemoveForm) -> HttpResponse:
        try:
            services.remove_attachment(
                attachment=self.attachment,
                actor=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(kind)s has been removed from the case file.")
            % {"kind": self.attachment.get_kind_display()},
        )
        return HttpResponseRedirect(case_url(self.case))
