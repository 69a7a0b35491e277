from django.contrib import admin
from django.urls import include, path

from . import views
from .models import Document

# A document's and a province's address take any text (<str:slug>): the view answers one that is
# no slug ("/van-ban/kế-hoạch/") with the site's page, where <slug:> left it to Django's 404,
# its technical page with DEBUG on.
app_patterns = [
    path("", views.home, name="home"),
    path("tim-kiem/", views.search_page, name="search"),
    path("tim-kiem/csv/", views.search_csv, name="search-csv"),
    path("tim-kiem/atom/", views.search_feed, name="search-feed"),
    path("tim-kiem/theo-doi/", views.search_follow, name="search-follow"),
    path("api/search/", views.api_search, name="api-search"),
    path("api/suggest/", views.api_suggest, name="api-suggest"),
    # A document's address cut back to its folder, as people go up a level: its kind's search
    # (where the breadcrumb leads).
    path("van-ban/", views.kind_index, {"kind": Document.Kind.PLAN}),
    path("hoi-nghi/", views.kind_index, {"kind": Document.Kind.CONFERENCE}),
    path("bai-viet/", views.kind_index, {"kind": Document.Kind.ARTICLE}),
    path("van-ban/<str:slug>/", views.document_detail, {"kind": Document.Kind.PLAN}, name="plan"),
    path(
        "hoi-nghi/<str:slug>/",
        views.document_detail,
        {"kind": Document.Kind.CONFERENCE},
        name="conference",
    ),
    path(
        "bai-viet/<str:slug>/",
        views.document_detail,
        {"kind": Document.Kind.ARTICLE},
        name="article",
    ),
    path("tinh-thanh/", views.province_index, name="provinces"),
    path("tinh-thanh/<str:slug>/", views.province_detail, name="province"),
    path("co-quan/", views.agency_index, name="agencies"),
    path("co-quan/<slug:slug>/", views.agency_detail, name="agency"),
    path("muc-tieu/", views.objective_index, name="objectives"),
    path("muc-tieu/<int:number>/", views.objective_detail, name="objective"),
    path("ma-tran/", views.matrix, name="matrix"),
    path("ban-do/", views.province_map, name="map"),
]

urlpatterns = [
    path("", include((app_patterns, "archive"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# An address no view answers: the site's own page, in the user's language (Django's is English).
handler400 = views.bad_request
handler403 = views.forbidden
handler404 = views.not_found
