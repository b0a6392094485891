"""RSS 2.0 and Atom feeds of the digest: the same filter as the page, in the same address."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from hromada.news import selectors
from hromada.news.forms import DigestFilterForm
from hromada.news.models import Category


class DigestRssFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request):
        form = DigestFilterForm(request.GET, with_choices=False)
        if not form.is_valid():
            raise Http404(_("This filter has errors."))
        return form.digest_filter()

    def title(self, obj):
        parts = [_("City news")]
        if obj.addressee:
            parts.append(obj.addressee.name)
        if obj.category:
            parts.append(str(Category(obj.category).label))
        if obj.district:
            parts.append(obj.district.name)
        if obj.tag:
            parts.append(obj.tag.name)
        if obj.query:
            parts.append(f"«{obj.query}»")
        return " · ".join(parts)

    def link(self, obj):
        params = obj.params()
        url = reverse("news:digest")
        return f"{url}?{urlencode(params)}" if params else url

    def description(self, obj):
        return _("Notices, news and announcements of the council and its services.")

    def items(self, obj):
        return selectors.digest(obj)[: settings.NEWS_FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return Truncator(item.body).words(60)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.addressee.name

    def item_categories(self, item):
        return [item.get_category_display(), *(tag.name for tag in item.tags.all())]

    def item_guid(self, item):
        return self.item_link(item)


class DigestAtomFeed(DigestRssFeed):
    feed_type = Atom1Feed
    subtitle = DigestRssFeed.description
