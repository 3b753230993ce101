#!/usr/bin/env bash
# One KAP journey through one full dosing session, with curl, as README.md shows it.
# Needs a running server (make run, or kap-journeys serve) and two tokens:
#   EHR=$(kap-journeys tokens create --role clinic_system --clinic clinic-a --name ehr | tail -1)
#   STAFF=$(kap-journeys tokens create --role staff --clinic clinic-a --name front-desk | tail -1)
# The e2e tests run this script against a real server, so it stays true. Each run opens
# a journey for a new patient (PATIENT, default MRN-<time>), so it can be run again and
# again; a step that fails prints the server's answer and stops the script.
set -euo pipefail
URL=${URL:-http://127.0.0.1:8000}
: "${EHR:?set EHR to a clinic_system token}" "${STAFF:?set STAFF to a staff token}"
PATIENT=${PATIENT:-MRN-$(date -u +%Y%m%d%H%M%S)-$$}

at() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }   # a time relative to now, in UTC
recorder() {  # who records TYPE (rule J-17: each entry by a role that may make it)
  case $1 in
    ConsultationCompleted|ScreeningCompleted|ConsentSigned) echo '"id":"dr-lee","role":"prescriber"' ;;
    OutcomeMeasureRecorded|PreparationCompleted|GuidedTherapyNoted|IntegrationCompleted)
      echo '"id":"ther-ana","role":"therapist"' ;;
    *) echo '"id":"nurse-kim","role":"nurse"' ;;
  esac
}
post() {  # post TYPE TIME DATA [extra curl args...]: append one event, print the answer
  local type=$1 when=$2 data=$3; shift 3
  curl -sS -X POST "$URL/v1/journeys/$JOURNEY/events" "$@" \
    -H "Authorization: Bearer $EHR" -H 'Content-Type: application/json' \
    -d "{\"type\":\"$type\",\"occurred_at\":\"$when\",\"recorded_by\":{$(recorder "$type")},\"data\":$data}"
  echo
}
request() {  # request EXPECTED_CODES CURL_ARGS...: the body, or the server's answer and exit 1
  local expected=$1 answer code; shift
  answer=$(curl -sS -w '\n%{http_code}' "$@")
  code=${answer##*$'\n'}; answer=${answer%$'\n'*}
  if [[ " $expected " != *" $code "* ]]; then
    echo "step failed: HTTP $code (expected $expected): $answer" >&2
    exit 1
  fi
  printf '%s\n' "$answer"
}
VITALS='{"systolic":128,"diastolic":82,"heart_rate":74,"spo2":98}'
DOSE_AT=$(at '-26 hours')

echo '# 1. The clinic system opens the journey (a retry returns the same journey, 200).'
OPENED=$(request "200 201" -X POST "$URL/v1/journeys" \
  -H "Authorization: Bearer $EHR" -H 'Content-Type: application/json' \
  -d "{\"patient_ref\":\"$PATIENT\",\"episode\":1,\"protocol\":\"kap-standard\",
       \"primary_clinician\":\"dr-lee\",\"presenting_concerns\":[\"treatment_resistant_depression\"],
       \"occurred_at\":\"$(at '-3 days')\",\"recorded_by\":{\"id\":\"coord-sam\",\"role\":\"coordinator\"}}")
JOURNEY=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["journey_id"])' <<<"$OPENED")
echo "journey $JOURNEY"

echo '# 2. Consent before screening: refused by rule J-03, nothing stored (409).'
post ConsentSigned "$(at '-3 days')" '{"form":"kap-consent","form_version":"2026-01","risks_discussed":true}'

echo '# 3. Consultation, baseline PHQ-9 (scored by the service), screening, consent, preparation.'
post ConsultationCompleted "$(at '-70 hours')" "{\"modality\":\"in_person\",\"medical_history\":\"none relevant\",
  \"current_symptoms\":\"low mood\",\"treatment_goals\":[\"return to work\"],\"adequate_antidepressant_trials\":3,
  \"mental_status_exam\":{\"suicidal_ideation\":false},\"vitals\":$VITALS,\"weight_kg\":70}"
post OutcomeMeasureRecorded "$(at '-69 hours')" '{"instrument":"PHQ-9","items":[2,3,2,2,2,2,2,2,0],"timepoint":"baseline"}'
post ScreeningCompleted "$(at '-68 hours')" '{"contraindications":{"active_psychosis":false,
  "primary_psychotic_disorder":false,"acute_mania":false,"pregnant":false,"breastfeeding":false,
  "ketamine_hypersensitivity":false,"aneurysmal_vascular_disease":false,"intracerebral_hemorrhage_history":false,
  "uncontrolled_hypertension":false,"severe_cardiovascular_disease":false,"active_substance_use_disorder":false},
  "medical_clearance":true,"decision":"eligible","rationale":"no contraindications"}'
post ConsentSigned "$(at '-67 hours')" '{"form":"kap-consent","form_version":"2026-01","risks_discussed":true}'
post PreparationCompleted "$(at '-66 hours')" '{"modality":"telehealth","education_topics":["dissociation"],
  "intentions":["understand my grief"],"dosing_plan":{"route":"im","planned_dose_mg":35},"expectations_discussed":true}'

echo '# 4. Dosing session 1: the pre-dose check (fasting, no alcohol, escort, vitals).'
post PreDoseCheckCompleted "$(at '-26 hours -20 minutes')" "{\"session\":1,
  \"last_food_at\":\"$(at '-34 hours')\",\"last_clear_liquid_at\":\"$(at '-29 hours')\",
  \"alcohol_or_drugs_last_24h\":false,\"transport\":{\"arranged\":true,\"escort_name\":\"Jo\",\"mode\":\"car\"},
  \"vitals\":$VITALS,\"pregnancy_test\":\"not_applicable\"}"

echo '# 5. A dose without the therapist in the room: refused by rule J-05 (409).'
DOSE='{"session":1,"route":"im","dose_mg":35,"weight_kg":70,"administered_by":"nurse-kim",
  "therapist_present":null,"prescriber_on_site":null,"lot_number":"KET-118","override":null}'
post KetamineAdministered "$DOSE_AT" "$DOSE"

echo '# 6. The dose with the therapist present (201); the retry with the same key answers 200.'
DOSE=${DOSE/\"therapist_present\":null/\"therapist_present\":\"ther-ana\"}
post KetamineAdministered "$DOSE_AT" "$DOSE" -H 'Idempotency-Key: dose-1' -w 'HTTP %{http_code}'
post KetamineAdministered "$DOSE_AT" "$DOSE" -H 'Idempotency-Key: dose-1' -w 'HTTP %{http_code}'

echo '# 7. Guided therapy, the 40-minute vitals, then a discharge after 30 minutes: refused by J-10.'
post GuidedTherapyNoted "$(at '-25 hours -40 minutes')" '{"session":1,"techniques":["grounding"],"note":"settled"}'
post VitalsRecorded "$(at '-25 hours -20 minutes')" "{\"session\":1,\"vitals\":$VITALS}"
DISCHARGE="{\"session\":1,\"vitals\":$VITALS,\"alert_and_oriented\":true,\"released_to\":\"Jo\",
  \"instructions\":[\"no driving until tomorrow\"],\"override\":null,
  \"sedation_resolved\":true,\"dissociation_resolved\":true}"
post PatientDischarged "$(at '-25 hours -30 minutes')" "$DISCHARGE"

echo '# 8. Discharge after 75 minutes, and the integration session the next day.'
post PatientDischarged "$(at '-24 hours -45 minutes')" "$DISCHARGE"
post IntegrationCompleted "$(at '-2 hours')" '{"session":1,"modality":"telehealth","insights":"felt lighter","practices":["journaling"]}'

echo '# 9. Staff read where the journey stands: stage, next step, every blocker to the next dose.'
STATUS=$(request 200 "$URL/v1/journeys/$JOURNEY" -H "Authorization: Bearer $STAFF")
python3 -c 'import json,sys; s=json.load(sys.stdin); print(json.dumps({k: s[k] for k in
      ("stage","next_step","blockers","sessions_completed","outcomes")}, indent=1))' <<<"$STATUS"

echo '# 10. And the full history, each event with who recorded it, from which system, when.'
HISTORY=$(request 200 "$URL/v1/journeys/$JOURNEY/history" -H "Authorization: Bearer $STAFF")
python3 -c 'import json,sys; [print(e["version"], e["type"], e["recorded_by"]["id"], e["source"]) for e in json.load(sys.stdin)["events"]]' <<<"$HISTORY"
