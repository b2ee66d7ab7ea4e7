app_name = "calls"

urlpatterns: list = []
