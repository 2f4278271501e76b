from petitions.forms import PetitionForm


def test_intake_offers_leaf_categories_including_other(reception1):
    form = PetitionForm(user=reception1)
    codes = set(form.fields["category"].queryset.values_list("code", flat=True))
    assert "0104" in codes  # 城乡建设 › 环境卫生
    assert "16" in codes  # 其他 has no sub-categories and must still be selectable
    assert "01" not in codes  # a top category with sub-categories is not a leaf


def test_location_choices_cover_the_area_the_office_serves(org, reception1, handler1):
    city_codes = set(
        PetitionForm(user=reception1)
        .fields["location_unit"]
        .queryset.values_list("code", flat=True)
    )
    assert {"D1S1C1", "D2S1C1", "CT"} <= city_codes
    assert "CY" not in city_codes
    district_codes = set(
        PetitionForm(user=handler1).fields["location_unit"].queryset.values_list("code", flat=True)
    )
    assert "D1S1C1" in district_codes and "D2S1C1" not in district_codes
