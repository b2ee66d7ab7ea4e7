app_name = "tenants"

urlpatterns: list = []
