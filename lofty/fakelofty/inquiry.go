package fakelofty

// readiness writes what the lead wants and how ready they are into its
// LeadResponse r: leadInquiry, leadPropertyList, customAttributes, the time
// frames and the Yes/No fields, under Lofty's names. With Sentinels, what
// is unset in a number is -1, as the live API sends it.
func (l *Lead) readiness(r map[string]any) {
	unset := func(set bool, v any, sentinel any) (any, bool) {
		switch {
		case set:
			return v, true
		case l.Sentinels:
			return sentinel, true
		}
		return nil, false
	}
	if in := l.Inquiry; in != nil || l.Sentinels {
		if in == nil {
			in = &Inquiry{}
		}
		inq := map[string]any{"propertyType": nonNil(in.PropertyTypes)}
		for _, f := range []struct {
			name string
			set  bool
			v    any
		}{
			{"priceMin", in.PriceMin > 0, in.PriceMin},
			{"priceMax", in.PriceMax > 0, in.PriceMax},
			{"bedroomsMin", in.BedroomsMin > 0, in.BedroomsMin},
			{"bedroomsMax", in.BedroomsMax > 0, in.BedroomsMax},
		} {
			if v, ok := unset(f.set, f.v, -1); ok {
				inq[f.name] = v
			}
		}
		for _, f := range []struct{ name, v string }{{"bathroomsMin", in.BathroomsMin}, {"bathroomsMax", in.BathroomsMax}} {
			if v, ok := unset(f.v != "", f.v, "-1"); ok {
				inq[f.name] = v
			}
		}
		locs := make([]map[string]any, 0, len(in.Locations))
		for _, loc := range in.Locations {
			m := map[string]any{}
			for k, v := range map[string]string{"city": loc.City, "stateCode": loc.StateCode, "zipCode": loc.ZipCode,
				"county": loc.County, "streetAddress": loc.StreetAddress, "description": loc.Description} {
				if v != "" {
					m[k] = v
				}
			}
			locs = append(locs, m)
		}
		inq["locations"] = locs
		r["leadInquiry"] = inq
	}

	props := make([]map[string]any, 0, len(l.Properties))
	for i, p := range l.Properties {
		m := map[string]any{"id": l.ID*10 + int64(i), "mailAddress": p.Mail}
		for k, v := range map[string]string{"streetAddress": p.StreetAddress, "city": p.City, "state": p.State,
			"zipCode": p.ZipCode, "propertyType": p.PropertyType} {
			if v != "" {
				m[k] = v
			}
		}
		for _, f := range []struct {
			name string
			set  bool
			v    any
		}{
			{"price", p.Price > 0, p.Price},
			{"squareFeet", p.SquareFeet > 0, p.SquareFeet},
			{"bedrooms", p.Bedrooms > 0, p.Bedrooms},
			{"bathrooms", p.Bathrooms > 0, p.Bathrooms},
			{"lotSize", p.LotSize > 0, p.LotSize},
		} {
			if v, ok := unset(f.set, f.v, -1); ok {
				m[f.name] = v
			}
		}
		props = append(props, m)
	}
	if len(props) > 0 || l.Sentinels {
		r["leadPropertyList"] = props
	}

	attrs := make([]map[string]any, 0, len(l.Attributes))
	for _, a := range l.Attributes {
		typ := a.Type
		if typ == "" {
			typ = "text"
		}
		attrs = append(attrs, map[string]any{"attributeName": a.Name, "attributeType": typ, "value": a.Value})
	}
	r["customAttributes"] = attrs

	for name, v := range map[string]string{
		"buyingTimeFrame": l.BuyingTimeFrame, "sellingTimeFrame": l.SellingTimeFrame,
		"mortgage": l.Mortgage, "preQual": l.PreQual, "fthb": l.FTHB, "houseToSell": l.HouseToSell,
		"withBuyerAgent": l.WithBuyerAgent, "withListingAgent": l.WithListingAgent, "opportunity": l.Opportunity,
	} {
		if v != "" {
			r[name] = v
		}
	}
}
