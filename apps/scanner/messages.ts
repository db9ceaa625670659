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
  'notRecorded.title': { ko: '기록되지 않음', en: 'NOT RECORDED' },
  'notRecorded.quota': {
    ko: '이 태블릿의 저장 공간이 가득 차서 입장 기록을 저장하지 못했습니다. 이 손님의 입장은 기록에 남지 않습니다. 종이 명부에 적고, 인터넷에 연결해 쌓인 기록을 보낸 뒤 다시 확인하세요.',
    en: "This tablet's storage is full, so the entry was not saved. This guest's entry will not be in the log. Write it in the paper log, connect to the internet to send the waiting entries, then check again.",
  },
  'notRecorded.full': {
    ko: '보내지 못한 입장 기록이 한도({n}건)에 이르러 더 저장할 수 없습니다. 이 손님의 입장은 기록에 남지 않습니다. 종이 명부에 적고, 인터넷에 연결해 기록을 보내세요.',
    en: "The tablet already holds the most entries it can keep unsent ({n}). This guest's entry was not saved: write it in the paper log and connect to the internet to send the waiting entries.",
  },
  'notRecorded.storage': {
    ko: '브라우저가 입장 기록 저장을 거부했습니다. 이 손님의 입장은 기록에 남지 않습니다. 종이 명부에 적고, 앱을 다시 열어 보세요.',
    en: "The browser refused to save the entry. This guest's entry will not be in the log: write it in the paper log and reopen the app.",
  },
  'notRecorded.verdict': {
    ko: '확인 결과({verdict})는 나왔지만 기록되지 않았습니다.',
    en: 'The pass was checked ({verdict}) but the entry was not recorded.',
  },
  'outbox.nearlyFull': {
    ko: '보내지 못한 입장 기록이 {n}건으로 한도({limit}건)에 가깝습니다. 인터넷에 연결해 보내세요.',
    en: '{n} entries are waiting, close to the limit of {limit}. Connect to the internet to send them.',
  },
  'outbox.storageLow': {
    ko: '이 태블릿의 저장 공간이 거의 찼습니다. 입장 기록을 저장하지 못할 수 있습니다.',
    en: "This tablet's storage is almost full: entries may soon fail to save.",
  },
  'clock.off': {
    ko: '이 태블릿의 시계가 {amount} {direction}. 확인과 입장 기록에는 서버 시간으로 고친 시각을 씁니다. 태블릿 설정에서 시계를 맞추세요.',
    en: "This tablet's clock is {amount} {direction}. Checks and entries use the corrected time; set the clock right in the tablet's settings.",
  },
  'clock.ahead': { ko: '빠릅니다', en: 'fast' },
  'clock.behind': { ko: '느립니다', en: 'slow' },
  'clock.minutes': { ko: '{n}분', en: '{n} minutes' },
  'clock.hours': { ko: '{n}시간', en: '{n} hours' },
  'clock.days': { ko: '{n}일', en: '{n} days' },
  'clock.unchecked': {
    ko: '이 태블릿의 시계를 서버와 맞춰 보지 못했습니다. 시간 확인이 틀릴 수 있으니 인터넷에 연결하세요.',
    en: "This tablet's clock has not been checked against the server lately: time checks may be wrong. Connect to the internet.",
  },
  'clock.reason': {
    ko: '이 태블릿의 시계를 믿을 수 없어 QR의 시간을 판단할 수 없습니다. 손님의 잘못이 아닙니다. 인터넷에 연결해 시계를 맞춘 뒤 다시 스캔하세요.',
    en: "This tablet's clock cannot be trusted, so the time on the pass cannot be judged. It is not the guest's fault: connect to the internet to set the clock, then scan again.",
  },
  'reason.unknown': {
    ko: '이 증명서를 확인하지 못했습니다.',
    en: 'This certificate could not be checked.',
  },
  'rejected.title': { ko: '서버가 받지 않은 입장 기록 {n}건', en: 'Entries the server did not accept: {n}' },
  'rejected.help': {
    ko: '아래 기록은 보건당국 서버에 저장되지 않았고, 다시 보내도 저장되지 않습니다. 확인한 뒤 지우세요.',
    en: 'These entries were not stored by the health authority and will not be, even if sent again. Read them, then remove them.',
  },
  'rejected.line': { ko: '{time} · {method} · {reason}', en: '{time} · {method} · {reason}' },
  'rejected.ack': { ko: '확인했습니다. 목록에서 지우기', en: 'Understood: remove them from the list' },
  'rejected.tooOld': {
    ko: '너무 오래된 기록입니다(보관 기간 27일이 지났습니다).',
    en: 'Too old: entries are kept for 27 days only.',
  },
  'rejected.venue': {
    ko: '다른 매장의 기록입니다.',
    en: 'Recorded for another venue.',
  },
  'rejected.damaged': {
    ko: '기록이 손상되었습니다.',
    en: 'The entry was damaged.',
  },
  'method.presentation': { ko: '휴대전화 QR', en: 'phone pass' },
  'method.paper': { ko: '종이 증명서', en: 'paper certificate' },
  'method.manual': { ko: '수기 입장', en: 'manual entry' },
  'storage.title': {
    ko: '이 브라우저에서는 입장 확인을 시작할 수 없습니다',
    en: 'The entry check cannot start in this browser',
  },
  'storage.noIndexedDb': {
    ko: '이 브라우저는 입장 기록을 기기에 저장하는 기능(IndexedDB)을 쓸 수 없게 되어 있습니다. 인터넷이 끊겼을 때 기록을 잃지 않으려면 이 기능이 필요합니다.',
    en: 'This browser does not let the app store entries on the device (IndexedDB is not available). The app needs it so that no entry is lost while the internet is down.',
  },
  'storage.notPersistent': {
    ko: '이 브라우저는 입장 기록을 계속 보관하겠다고 약속하지 않았습니다(시크릿 창이거나 저장 권한이 없습니다). 창을 닫으면 보내지 못한 기록이 사라질 수 있습니다.',
    en: 'This browser would not promise to keep the entries (a private window, or storage permission not given). Entries not yet sent could vanish when the window closes.',
  },
  'storage.what': {
    ko: '일반 창(시크릿 창이 아닌)에서 열고, 홈 화면에 앱을 설치하거나 브라우저 설정에서 이 사이트의 저장을 허용한 뒤 다시 시도하세요.',
    en: 'Open it in a normal window (not private), install the app on the home screen or allow this site to store data in the browser settings, then try again.',
  },
  'storage.retry': { ko: '다시 시도', en: 'Try again' },
  'bundles.noRevocation': {
    ko: '취소 목록 없음: 인터넷에 연결해 받으세요. 그때까지는 통과 대신 신분증 확인이 표시됩니다.',
    en: 'Revocation data missing: connect to the internet to download it. Until then, passes show as Check ID.',
  },
  'verdict.pass': { ko: '통과', en: 'Pass' },
  'verdict.exempt': { ko: '접종 예외: 입장 가능', en: 'Exempt: may enter' },
  'verdict.solo-only': { ko: '혼자만 이용 가능', en: 'Alone only' },
  'verdict.check-id': { ko: '신분증 확인', en: 'Check ID' },
  'verdict.warn': { ko: '주의: 입장 가능', en: 'Warning: may enter' },
  'verdict.fail': { ko: '입장 불가', en: 'Not valid' },
  'action.pass': { ko: '입장시키세요.', en: 'Let the guest in.' },
  'action.exempt': {
    ko: '방역패스 예외 대상입니다. 입장시키세요.',
    en: 'The guest is exempt from the pass rules: let them in.',
  },
  'action.solo-only': {
    ko: '혼자 온 손님만 이용할 수 있습니다. 일행과 함께는 안 됩니다.',
    en: 'Only a guest who comes alone may be served; not with a group.',
  },
  'action.check-id': {
    ko: '신분증의 이름·생년월일이 같으면 입장시키세요.',
    en: 'Let the guest in only if a photo ID shows the same name and date of birth.',
  },
  'action.warn': {
    ko: '입장할 수 있습니다. 아래 안내를 전하세요.',
    en: 'The guest may enter; pass on the note below.',
  },
  'action.fail': {
    ko: '입장할 수 없습니다. 아래 이유를 안내하세요.',
    en: 'Do not let the guest in; explain the reason below.',
  },
  'holder.label': { ko: '이름 / 생년월일', en: 'Name / date of birth' },
  'doses.title': { ko: '접종 내역', en: 'Doses' },
  'doses.line': { ko: '{n}회차 · {date} · {product}', en: 'Dose {n} · {date} · {product}' },
  'details.show': { ko: '검증 단계 보기', en: 'Show verification steps' },
  'venue.label': { ko: '{name} · {category}', en: '{name} · {category}' },
  'privacy.note': {
    ko: '결과는 직원 화면에만 표시되며 소리로 알리지 않습니다.',
    en: 'Results show on the staff screen only; no sound announces anyone’s status.',
  },
} as const;
