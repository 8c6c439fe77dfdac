app_name = "providers"

urlpatterns = []
