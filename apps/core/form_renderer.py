"""Form renderer: Jinja2 for Django's form and widget templates, Django templates for the rest.

Through the Django template engine a form costs about a quarter of a millisecond per
<option> (an include each): the 41-district filter form took 10 ms, more than the
whole framework floor. Django ships Jinja2 versions of all its form and widget
templates; `apps/core/jinja2` overrides the select so options are written in place.
Templates that exist only for the Django engine (django-filter's range widget) fall
back to it.
"""

from pathlib import Path

import django.forms
from django.forms.renderers import BaseRenderer, DjangoTemplates
from django.template.backends.jinja2 import Jinja2
from django.template.exceptions import TemplateDoesNotExist
from django.utils.functional import cached_property

OWN = Path(__file__).resolve().parent / "jinja2"
DJANGO = Path(django.forms.__file__).resolve().parent / "jinja2"


class FastFormRenderer(BaseRenderer):
    @cached_property
    def jinja2(self):
        return Jinja2({"APP_DIRS": False, "DIRS": [OWN, DJANGO], "NAME": "forms", "OPTIONS": {}})

    @cached_property
    def django(self):
        return DjangoTemplates()

    def get_template(self, template_name):
        try:
            return self.jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self.django.get_template(template_name)
