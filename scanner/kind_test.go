package scanner

import "testing"

// TestKindTableComplete fails when a kind is added to Kinds without a full
// row of facts, which would make renderers fall back to the unknown kind's.
func TestKindTableComplete(t *testing.T) {
	t.Parallel()
	rules := map[string]Kind{}
	ranks := map[int]Kind{}
	for _, k := range Kinds {
		i, ok := kindInfos[k]
		if !ok {
			t.Fatalf("kind %s has no row in kindInfos", k)
		}
		if i.rule == "" || i.severity == "" || i.ruleName == "" || i.title == "" || i.description == "" || i.envName == "" || i.rotate == nil {
			t.Errorf("kind %s has an empty fact: %+v", k, i)
		}
		if prev, dup := rules[i.rule]; dup {
			t.Errorf("kinds %s and %s share rule %s", prev, k, i.rule)
		}
		rules[i.rule] = k
		if prev, dup := ranks[i.rank]; dup {
			t.Errorf("kinds %s and %s share rank %d", prev, k, i.rank)
		}
		ranks[i.rank] = k
		if got := k.RotateAction("42", "ENV_NAME"); got == "" || got == unknownKind.rotate("", "") {
			t.Errorf("kind %s: RotateAction = %q, want a kind-specific action", k, got)
		}
	}
	if len(kindInfos) != len(Kinds) {
		t.Errorf("kindInfos has %d rows, Kinds lists %d kinds", len(kindInfos), len(Kinds))
	}
	if got := Kind("nope").Rule(); got != "clickup-unknown" {
		t.Errorf("unknown kind rule = %q, want clickup-unknown", got)
	}
}
