/** Every word the scanner shows, in Korean and English. */
export const messages = {
  'app.title': { ko: 'Greenlight 입장 확인', en: 'Greenlight entry check' },
  'setup.title': { ko: '매장 설정', en: 'Venue set-up' },
  'setup.credential': { ko: '매장 기기 인증키', en: 'Venue device credential' },
  'setup.credentialHelp': {
    ko: '보건당국이 발급한 기기 인증키를 입력하세요.',
    en: 'Enter the device credential the health authority issued for this venue.',
  },
  'setup.submit': { ko: '설정 완료', en: 'Finish set-up' },
  'setup.failed': { ko: '설정하지 못했습니다: {error}', en: 'Set-up failed: {error}' },
  'setup.needKeys': {
    ko: '보건당국 서버에 연결해야 처음 설정을 할 수 있습니다.',
    en: 'The first set-up needs a connection to the health authority server.',
  },
  'bundles.age': { ko: '검증 정보 갱신: {age}', en: 'Verification data updated {age}' },
  'bundles.never': {
    ko: '검증 정보가 없습니다. 인터넷에 연결하세요.',
    en: 'No verification data yet. Connect to the internet.',
  },
  'bundles.stale': {
    ko: '검증 정보가 오래되었습니다({age}). 인터넷에 연결해 갱신하세요.',
    en: 'Verification data is old ({age}). Connect to the internet to refresh it.',
  },
  'bundles.refused': {
    ko: '새 검증 정보의 서명이 맞지 않아 사용하지 않았습니다. 이전 정보를 계속 사용합니다.',
    en: 'New verification data failed its signature check and was not used; the previous data stays in force.',
  },
  'age.minutes': { ko: '{n}분 전', en: '{n} min ago' },
  'age.hours': { ko: '{n}시간 전', en: '{n} h ago' },
  'age.days': { ko: '{n}일 전', en: '{n} days ago' },
  'scan.camera': { ko: '카메라로 스캔', en: 'Scan with camera' },
  'scan.stop': { ko: '카메라 끄기', en: 'Stop camera' },
  'scan.cameraUnavailable': {
    ko: '카메라를 쓸 수 없습니다: {error}',
    en: 'The camera is not available: {error}',
  },
  'scan.input': { ko: 'QR 내용 (스캐너 입력 또는 붙여넣기)', en: 'QR content (scanner input or paste)' },
  'scan.check': { ko: '확인', en: 'Check' },
  'scan.waiting': { ko: 'QR 코드를 보여 주세요', en: 'Show a QR code' },
  'manual.button': { ko: '수기 입장 (스티커·종이 확인)', en: 'Manual entry (sticker or paper checked)' },
  'manual.recorded': { ko: '수기 입장을 기록했습니다', en: 'Manual entry recorded' },
  'outbox.waiting': { ko: '전송 대기 {n}건', en: '{n} waiting to upload' },
  'outbox.empty': { ko: '모든 입장 기록 전송 완료', en: 'All entries uploaded' },
  'outbox.retry': { ko: '다음 전송 시도: {time}', en: 'Next upload attempt: {time}' },
  'outbox.now': { ko: '지금 전송', en: 'Upload now' },
  'verdict.pass': { ko: '통과', en: 'Pass' },
  'verdict.exempt': { ko: '예외 (통과)', en: 'Exempt (pass)' },
  'verdict.solo-only': { ko: '혼자 이용만 가능', en: 'Alone only' },
  'verdict.check-id': { ko: '신분증 확인', en: 'Check ID' },
  'verdict.warn': { ko: '주의 (통과)', en: 'Warning (pass)' },
  'verdict.fail': { ko: '입장 불가', en: 'Not valid' },
  'holder.label': { ko: '이름 / 생년월일', en: 'Name / date of birth' },
  'reason.paper': {
    ko: '종이·캡처 증명서입니다. 신분증의 이름과 생년월일을 확인하세요.',
    en: 'Paper or screenshot certificate: compare the name and date of birth with a photo ID.',
  },
  'reason.foreign': {
    ko: '해외 SMART Health Card입니다. 신분증과 접종 내역을 확인하세요.',
    en: 'Foreign SMART Health Card: check the photo ID and the doses shown.',
  },
  'reason.soloOnly': {
    ko: '방역패스 미충족: 이 업종에서는 혼자 이용만 가능합니다.',
    en: 'Does not pass: at this kind of venue the guest may only be served alone.',
  },
  'reason.notCovered': {
    ko: '현재 정책에서 인정하지 않는 증명서 종류입니다.',
    en: 'The current policy does not accept this kind of certificate.',
  },
  'reason.unknownFormat': { ko: '알 수 없는 QR 코드입니다.', en: 'This QR code is not a health pass.' },
  'reason.signature': {
    ko: '증명서를 확인할 수 없습니다 ({code}).',
    en: 'The certificate could not be verified ({code}).',
  },
  'reason.ERR_PRESENTATION_STALE': {
    ko: '화면 캡처로 보입니다: QR이 15초마다 바뀌어야 합니다. 앱 화면을 다시 보여 달라고 하세요.',
    en: 'Looks like a screenshot: the QR must change every 15 seconds. Ask to see the live app screen.',
  },
  'reason.ERR_PRESENTATION_PROOF': {
    ko: '이 휴대전화에 등록된 증명서가 아닙니다.',
    en: 'This certificate is not registered to this phone.',
  },
  'reason.ERR_CWT_EXPIRED': { ko: '증명서 유효기간이 지났습니다.', en: 'The certificate has expired.' },
  'reason.ERR_REVOCATION_REVOKED': { ko: '취소된 증명서입니다.', en: 'The certificate has been revoked.' },
  'reason.ERR_TRUST_UNKNOWN_KID': {
    ko: '신뢰할 수 있는 발급기관의 증명서가 아닙니다.',
    en: 'The certificate is not from a trusted issuer.',
  },
  'reason.ERR_COSE_SIGNATURE': {
    ko: '위조되었거나 손상된 증명서입니다.',
    en: 'The certificate is forged or damaged.',
  },
  'details.show': { ko: '검증 단계 보기', en: 'Show verification steps' },
  'venue.label': { ko: '{name} · {category}', en: '{name} · {category}' },
  'privacy.note': {
    ko: '결과는 직원 화면에만 표시되며 소리로 알리지 않습니다.',
    en: 'Results show on the staff screen only; no sound announces anyone’s status.',
  },
} as const;
