"""The KAP care journey: aggregate, events, protocol profiles, rules and scales."""
