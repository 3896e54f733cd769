/**
 * User-facing messages: Simplified Chinese first, then English, in one catalogue. Handlers and the
 * import report take their text from here rather than writing it inline.
 */
export const messages = {
  'request.badJson': ['请求体不是有效的 JSON', 'The request body is not valid JSON'],
  'request.badQuery': ['查询参数无效', 'Invalid query parameter'],
  'request.notFound': ['未找到该地址', 'No such route'],
  'request.methodNotAllowed': ['不支持该请求方法', 'Method not allowed'],
  'request.internal': ['服务器内部错误，请稍后重试', 'Internal server error, please try again later'],
  'request.bodyTooLarge': ['请求体过大', 'The request body is too large'],
  'date.format': ['日期格式应为 YYYY-MM-DD', 'Date must be YYYY-MM-DD'],
  'date.invalid': ['日期不存在', 'No such calendar date'],
  'date.future': ['日期不能晚于今天', 'Date cannot be in the future'],
  'date.tooOld': ['日期早于 1900 年', 'Date is before 1900'],
  'month.format': ['月份格式应为 YYYY-MM', 'Month must be YYYY-MM'],
  'datetime.format': [
    '时间格式应为带时区的 ISO-8601（如 2025-07-01T09:30:00+08:00）或 YYYY-MM-DD',
    'Time must be ISO-8601 with an offset (e.g. 2025-07-01T09:30:00+08:00) or YYYY-MM-DD',
  ],
  'idNumber.format': [
    '身份证号应为 18 位（最后一位可为 X）',
    'ID number must be 18 characters (the last may be X)',
  ],
  'idNumber.checksum': ['身份证号校验位不正确', 'ID number check digit is wrong (GB 11643)'],
  'idNumber.birthDate': [
    '身份证号中的出生日期无效',
    'The birth date inside the ID number is not a valid date',
  ],
  'idNumber.birthDateMismatch': [
    '身份证号中的出生日期与出生日期不一致',
    'The birth date in the ID number does not match the date of birth',
  ],
  'idNumber.genderMismatch': [
    '身份证号中的性别与性别不一致',
    'The gender in the ID number does not match the gender given',
  ],
  'phone.invalid': [
    '电话号码无效，应为大陆手机号或固定电话（如 13800138000 或 0750-3123456）',
    'Not a valid mainland mobile or landline number (e.g. 13800138000 or 0750-3123456)',
  ],
  'county.unknown': ['未知的县（市、区）代码', 'Unknown county code'],
  'text.required': ['不能为空', 'Must not be empty'],
  // the text gate (shared/text.ts, issue 15)
  'text.loneSurrogate': [
    '含有无法识别的字符（不完整的 Unicode 编码），请重新输入',
    'contains an unreadable character (a broken Unicode sequence); please type it again',
  ],
  'text.tooLong': ['文字超过允许的长度', 'The text is longer than allowed'],
  'partnerImpaired.notCouple': [
    '只有两位老年人共同居住（couple）时才能填写配偶/同住老人情况',
    'partnerImpaired only applies when living is couple',
  ],
  'household.nearbyOverTotal': [
    '在同一市辖区或县居住的子女数不能多于子女数',
    'Children nearby cannot be more than the children',
  ],
  'household.aloneWithPartner': [
    '独自居住时配偶不能同住',
    'Living alone, the partner cannot live in the same home',
  ],
  'disabilityCertificate.number': [
    '残疾人证号应为 20 位（身份证号加残疾类别和等级）',
    'The certificate number must be 20 characters (ID number, type and grade)',
  ],
  'disabilityCertificate.mismatch': [
    '残疾人证号末两位与残疾类别、等级不符',
    'The last two digits of the certificate number do not match its type and grade',
  ],
  'refusal.required': ['拒绝服务时须填写书面记录（refusal）', 'A refusal needs its written record (refusal)'],
  'refusal.notRefused': [
    '只有拒绝服务（consent 为 refused）时才能填写 refusal',
    'refusal is only allowed when consent is refused',
  ],
  'elder.underAge': [
    '未满 60 周岁，不属于特殊困难老年人',
    'Under 60 years of age: not eligible for the register',
  ],
  'elder.duplicate': ['该老年人已登记', 'This elder is already registered'],
  'elder.notFound': ['未找到该老年人', 'No such elder'],
  'elder.conflict': [
    '档案已被他人修改，请刷新后重试',
    'The record was changed by someone else; reload and retry',
  ],
  'elder.inactive': ['该老年人档案已注销', 'This elder record is no longer active'],
  'category.lowering': [
    '不能将类别调低到按规则计算的类别以下',
    'The category cannot be set below the one the rules give',
  ],
  'category.reasonRequired': ['调整类别须说明理由', 'Raising the category needs a reason'],
  'contact.notFound': ['未找到该联系人', 'No such contact'],
  'visit.beforeBirth': ['探访时间早于出生日期', 'The visit is before the elder was born'],
  'visit.future': ['探访时间不能晚于现在', 'The visit cannot be in the future'],
  'import.emptyFile': ['文件中没有数据行', 'The file has no data rows'],
  'import.unknownFormat': ['仅支持 CSV 或 XLSX 文件', 'Only CSV or XLSX files are accepted'],
  'import.unreadable': [
    '无法读取文件，请确认是 CSV 或 XLSX 格式',
    'The file could not be read as CSV or XLSX',
  ],
  'import.missingHeader': ['缺少必需的表头', 'A required column header is missing'],
  'import.notRegistered': ['按身份证号未找到已登记的老年人', 'No registered elder has this ID number'],
  'import.mergeNeedsId': ['合并数据须有身份证号', 'Merging needs an ID number'],
  'import.badValue': ['无法识别的取值', 'Unrecognised value'],
  'import.notFound': ['未找到该导入任务', 'No such import'],
  'patch.empty': ['没有要修改的字段', 'Nothing to change'],
  'import.duplicateRow': ['与文件中前面的一行是同一位老年人', 'The same elder as an earlier row of the file'],
  'import.idNumberAsNumber': [
    '身份证号被存成了数字，末几位已丢失；请把该列设为文本格式后重新填写',
    'The ID number was stored as a number and lost its last digits; format the column as text and enter it again',
  ],
  'import.unknownColumn': ['未识别的列，已忽略', 'Unrecognised column, ignored'],
  'import.repeatedColumn': ['重复的列，只使用第一列', 'Repeated column; only the first one is used'],
  'import.alreadyStarted': ['该导入任务编号已被使用', 'This import id is already in use'],
  'case.notFound': ['未找到该求助事件', 'No such case'],
  'case.closed': ['该求助事件已经关闭', 'This case is already closed'],
  'case.conflict': ['求助事件正在被更新，请刷新后重试', 'The case is being updated; reload and retry'],
  'checkIn.outsideWindow': [
    '现在不在该老人的呼叫时段内，夜间和时段外不打扰老人',
    "It is outside the elder's calling windows now; elders are not called at night or outside them",
  ],
  'checkIn.alreadyOpen': ['该老人的回访正在进行中', 'A check-in for this elder is already under way'],
  'checkIn.notReceiving': [
    '该老人不接受自动回访（已拒绝或档案已注销）',
    'This elder does not receive automated check-ins (refused or inactive)',
  ],
  'phone.callNotFound': [
    '未找到该来电，可能已经结束',
    'No such call waiting for a person; it may have ended',
  ],
  'phone.notSimulated': ['不是本机模拟的手机号', 'Not a phone of the local simulated network'],
  // --- visit links and the visit page (issue 4, section 3) ---
  'visitLink.malformed': [
    '链接无效，请使用提醒短信中的完整链接',
    'This link is not valid; use the whole link from the reminder text',
  ],
  'visitLink.forged': [
    '链接无效，请使用提醒短信中的完整链接',
    'This link is not valid; use the whole link from the reminder text',
  ],
  'visitLink.version': [
    '链接版本已停用，请使用最新提醒短信中的链接',
    'This kind of link is no longer used; use the link in your latest reminder text',
  ],
  'visitLink.expired': [
    '链接已过期，请使用最新提醒短信中的链接',
    'This link has expired; use the link in your latest reminder text',
  ],
  'visitLink.notPaired': [
    '该老人现已由其他联系人负责，此链接不能再使用',
    'This elder is now paired with another contact; this link no longer works',
  ],
  'visitLink.elderGone': ['该老人档案已注销或不存在', 'This elder record is no longer active'],
  'visitForm.nonce': ['表单已失效，请重新打开链接再填写', 'The form is out of date; open the link again'],
  'visitForm.modeAutomated': ['请选择上门、电话或视频', 'Choose home, phone or video'],
  'visitForm.time': ['请填写时间（时:分）', 'Enter the time (hh:mm)'],
  'visitForm.elderIdFromLink': [
    '老人由链接确定，不能填写 elderId',
    'The elder comes from the link; elderId is not accepted',
  ],
  'visitPage.title': ['探访记录', 'Visit record'],
  'visitPage.listTitle': ['我的探访名单', 'My visit list'],
  'visitPage.listEmpty': ['目前没有结对的老人', 'No elders are paired with you'],
  'visitPage.recordVisit': ['记录探访', 'Record a visit'],
  'visitPage.noneDue': ['本期上门探访已完成', 'Home visit done for this period'],
  'visitLink.listReadOnly': [
    '名单链接不能提交探访记录，请点击名单中的老人',
    'A list link cannot take a visit record; open an elder from the list',
  ],
  'visitLink.shortUnknown': ['链接不存在或已过期', 'No such link, or it has expired'],
  'visitPage.for': ['探访对象', 'Visit for'],
  'visitPage.date': ['探访日期', 'Date'],
  'visitPage.time': ['时间', 'Time'],
  'visitPage.mode': ['探访方式', 'Mode'],
  'visitPage.mode.home': ['上门', 'Home'],
  'visitPage.mode.phone': ['电话', 'Phone'],
  'visitPage.mode.video': ['视频', 'Video'],
  'visitPage.visitors': ['探访人员（多人用逗号分隔）', 'Visitors (separate with commas)'],
  'visitPage.health': ['身体状况', 'Health'],
  'visitPage.mood': ['精神状况', 'Mood'],
  'visitPage.livingConditions': ['居住环境', 'Living conditions'],
  'visitPage.safetyRisks': ['发现的安全隐患', 'Safety risks found'],
  'visitPage.risk.house': ['房屋', 'House'],
  'visitPage.risk.water': ['用水', 'Water'],
  'visitPage.risk.heating': ['取暖', 'Heating'],
  'visitPage.risk.gas': ['燃气', 'Gas'],
  'visitPage.risk.electricity': ['用电', 'Electricity'],
  'visitPage.risk.falls': ['跌倒', 'Falls'],
  'visitPage.risk.fire': ['消防', 'Fire'],
  'visitPage.risk.food': ['饮食', 'Food'],
  'visitPage.risk.medicine': ['用药', 'Medicine'],
  'visitPage.risk.other': ['其他', 'Other'],
  'visitPage.needs': ['服务需求', 'Needs'],
  'visitPage.servicesGiven': ['提供的服务', 'Services given'],
  'visitPage.referrals': ['转介', 'Referrals'],
  'visitPage.needsFollowUp': ['需要跟进', 'Needs follow-up'],
  'visitPage.followUpOn': ['跟进日期', 'Follow-up date'],
  'visitPage.note': ['备注', 'Note'],
  'visitPage.submit': ['提交探访记录', 'Submit visit record'],
  'visitPage.fixErrors': ['请修改标红的内容后再提交', 'Please correct the fields marked in red'],
  'visitPage.recorded': ['探访记录已保存，谢谢！', 'Visit recorded. Thank you!'],
  'visitPage.duplicate': [
    '此次探访已经记录，无需重复提交',
    'This visit was already recorded; nothing more to do',
  ],
  'visitPage.followUpOpened': [
    '已生成跟进事项，将出现在您的提醒短信中',
    'A follow-up item was opened; it will appear in your reminder texts',
  ],
  'visitPage.refused': ['无法打开探访记录', 'The visit record cannot be opened'],
  'visitPage.optional': ['选填', 'optional'],
  // --- end visit page ---
  // reports (issue 4, section 4)
  'report.townshipWithoutCounty': [
    '指定镇（街道）时须同时指定县（市、区）',
    'A township needs its county (county=…)',
  ],
  // campaigns (issue 5, section 2)
  'campaign.window.order': ['活动结束时间须晚于开始时间', 'The campaign window must end after it starts'],
  'campaign.window.tooLong': ['活动时间不能超过 31 天', 'A campaign window cannot be longer than 31 days'],
  'campaign.cadence.missing': [
    '目标类别须设定活动期间的联系频率',
    'Every targeted category needs a cadence during the campaign',
  ],
  'campaign.townships.notTargeted': [
    '镇（街道）所属的县（市、区）须在目标县中',
    'A township must belong to one of the targeted counties',
  ],
  'campaign.transition.illegal': [
    '活动当前状态不允许此操作',
    'The campaign cannot do that in its current state',
  ],
  'campaign.approve.byCreator': [
    '创建人不能审批自己的活动，须由另一位管理员审批',
    'The creator cannot approve their own campaign; a second administrator must',
  ],
  'campaign.start.needsApproval': [
    '活动规模超过上限，须经另一位管理员审批后才能开始',
    'The campaign is over the size limit and needs a second administrator’s approval before it starts',
  ],
  'campaign.start.windowOver': ['活动时间已结束', 'The campaign window has already ended'],
  'campaign.preview.roundDoesNotFit': [
    '一轮联系无法在当天的通话时段内完成',
    'A round cannot finish inside that day’s calling windows',
  ],
  'campaign.preview.noAudience': ['没有符合条件的老年人', 'No elder matches the target'],
  'campaign.preview.noRounds': [
    '活动时间内没有可用的通话时段',
    'No calling window falls inside the campaign window',
  ],
  'campaign.preview.textLong': [
    '短信超过 70 个字，将分多条发送',
    'The text is over 70 characters and will be sent in several parts',
  ],
  // CAP 1.2 weather alerts → draft campaigns (issue 5, section 3)
  'cap.signatureMissing': ['预警消息未签名（缺少签名）', 'The alert is unsigned (no signature)'],
  'cap.signatureInvalid': ['预警消息签名无效', 'The alert signature is not valid'],
  'cap.tooLarge': ['预警消息过大', 'The alert is too large'],
  'cap.notXml': ['预警消息不是有效的 XML', 'The alert is not well-formed XML'],
  'cap.namespace': [
    '不是 CAP 1.2 预警（根元素应为 urn:oasis:names:tc:emergency:cap:1.2 命名空间的 alert）',
    'Not a CAP 1.2 alert (root must be alert in namespace urn:oasis:names:tc:emergency:cap:1.2)',
  ],
  'cap.invalid': ['预警消息缺少字段或字段无效', 'The alert has missing or invalid fields'],
  'cap.expired': ['预警已过期', 'The alert has expired'],
  'cap.noCounty': [
    '预警范围内没有本系统管辖的县（市、区）',
    'The alert covers none of the configured counties',
  ],
  'cap.cancel': ['这是取消预警的消息，不会生成活动', 'This message cancels an alert; no campaign is drafted'],
  'cap.notAlert': [
    '该类型的消息（确认或错误通知）不会生成活动',
    'Acknowledgement and error messages do not draft a campaign',
  ],
  // access (issue 5, section 1)
  'auth.required': ['请先登录', 'Please log in'],
  'auth.forbidden': ['您没有权限执行此操作', 'You are not allowed to do this'],
  'auth.badLogin': ['用户名或密码不正确', 'Wrong username or password'],
  'auth.locked': [
    '登录失败次数过多，账户已锁定 15 分钟，请稍后再试',
    'Too many failed logins: the account is locked for 15 minutes; try again later',
  ],
  'import.otherCounty': [
    '该行的县（市、区）不在您的管辖范围内，未导入',
    'This row is for a county outside your area; it was not imported',
  ],
  'case.notOpen': ['该求助事件已被确认或已关闭', 'This case is already acknowledged or closed'],
  'contact.conflict': ['联系人正在被更新，请刷新后重试', 'The contact is being updated; reload and retry'],
  // access (issue 5): new keys above this line
  'campaign.notFound': ['未找到该活动', 'No such campaign'],
  'campaign.conflict': [
    '活动已被他人修改，请刷新后重试',
    'The campaign was changed by someone else; reload and try again',
  ],
  'campaign.year': ['年份应为 1900 至 2100 之间的整数', 'year must be a whole number from 1900 to 2100'],
  'cap.contentType': [
    '预警消息须以 application/xml 或 text/xml 提交',
    'Send the alert as application/xml or text/xml',
  ],
  // campaign API (issue 5): new keys above this line
  // campaign runs (issue 5): new keys above this line
  // roll call, absences, signals (issue 16, h16): begin
  'absence.reason': ['外出原因应为外出、住院或其他', 'Reason must be away, hospital or other'],
  'absence.declaredBy': [
    '登记人应为老人本人、家属、联系人或工作人员',
    'Declared by must be the elder, family, contact or staff',
  ],
  'absence.untilBeforeFrom': ['返回日期应晚于外出日期', 'The date back must be after the first day away'],
  'absence.tooLong': [
    '一次外出登记最长 92 天，更长请到期后续登',
    'One absence covers at most 92 days; declare again when it ends',
  ],
  'absence.inPast': ['返回日期应晚于今天', 'The date back must be after today'],
  'absence.notFound': ['未找到该外出登记', 'No such absence'],
  'device.kind': [
    '设备类型应为水表、电表、一键呼叫器、门磁或烟感/燃气报警器',
    'Device type must be water meter, electricity meter, alarm button, door sensor or smoke/gas alarm',
  ],
  'device.vendorId': [
    '平台名称和设备编号只能包含字母、数字和 . _ : -，最长 64 位',
    'Platform and device id: letters, digits and . _ : - only, up to 64 characters',
  ],
  'device.taken': ['该设备编号已登记给其他老人', 'This device id is already registered to another elder'],
  'device.notFound': ['未找到该设备', 'No such device'],
  'signals.unsigned': ['缺少签名或时间戳', 'Missing signature or timestamp'],
  'signals.forged': ['签名不正确', 'The signature does not verify'],
  'signals.stale': [
    '时间戳超出允许范围（前后 5 分钟）',
    'The timestamp is outside the allowed window (5 minutes either way)',
  ],
  'signals.tooMany': ['每批最多 500 条读数', 'At most 500 readings per batch'],
  'signals.rules': ['规则设置无效', 'Invalid rule settings'],
  'signals.unknownDevice': ['设备编号未登记', 'Device id not registered'],
  'alert.notFound': ['未找到该告警', 'No such alert'],
  'alert.conflict': [
    '告警已被他人标记，请刷新后重试',
    'Someone else marked this alert; reload and try again',
  ],
  'signals.future': ['读数时间晚于现在', 'Reading time is in the future'],
  'alert.verdict': ['请选择“属实”或“误报”', 'Choose true or false alarm'],
  'rollCall.noDeadline': ['该活动没有设定截止时间，不能点名', 'This campaign has no deadline: no roll call'],
  'rollCall.elderNotTargeted': ['该老人不在本次点名范围内', 'This elder is not in this roll call'],
  'rollCall.contactNotFound': ['未找到接手的联系人', 'No such contact to hand over to'],
  'rollCall.linkInvalid': ['确认链接无效或已过期', 'This confirmation link is not valid or has expired'],
  'rollCall.confirmed': ['已确认，谢谢！', 'Confirmed, thank you!'],
  'awayPage.declare': ['登记外出', 'Declare away'],
  'awayPage.until': ['返回日期', 'Date back'],
  'awayPage.reason': ['原因', 'Reason'],
  'awayPage.reason.away': ['外出', 'Away'],
  'awayPage.reason.hospital': ['住院', 'In hospital'],
  'awayPage.reason.other': ['其他', 'Other'],
  'awayPage.note': ['备注（选填）', 'Note (optional)'],
  'awayPage.submit': ['提交', 'Submit'],
  'awayPage.declared': [
    '已登记外出，期间暂停自动回访，返回当天恢复',
    'Declared away: check-ins pause and resume on the date back',
  ],
  // roll call, absences, signals (issue 16, h16): end
  // console and login (issue 5): new keys above this line
  // definitions and review (issue 14): begin
  'rule.A1': ['失能（评估等级达到本县认定的失能等级）', 'loss of ability (at the county threshold)'],
  'rule.A2': ['80周岁及以上的独居、空巢或留守老年人', 'aged 80+ living alone, empty-nest or left-behind'],
  'rule.A3': [
    '低保家庭中独居、空巢或留守的老年人',
    'minimum-allowance household, alone, empty-nest or left-behind',
  ],
  'rule.A4': ['计划生育特殊家庭中独居的老年人', 'family-planning special family, living alone'],
  'rule.B1': ['60至79周岁独居的重度残疾老年人', 'aged 60-79, severe disability, living alone'],
  'rule.B2': ['60至79周岁两老同住且一方失能、失智或残疾', 'aged 60-79, two elders, one impaired'],
  'rule.B3': ['长期照料失能、失智子女的老年人', 'long-term carer of a disabled child'],
  'rule.C': ['其他登记的老年人', 'every other elder on the register'],
  'review.notListed': ['该老年人不在类别复核名单中', 'This elder is not on the category review list'],
  'review.reasonRequired': ['复核须说明理由', 'A review decision needs a reason'],
  'visitPage.economy': ['经济状况', 'Economy'],
  'visitPage.familySupport': ['家庭赡养', 'Family support'],
  'visitPage.serviceNeeds': ['服务需求类型', 'Needs by type'],
  'visitPage.need.dailyCare': ['生活照料', 'Daily care'],
  'visitPage.need.rehabilitation': ['康复护理', 'Rehabilitation'],
  'visitPage.need.companionship': ['精神慰藉', 'Companionship'],
  'visitPage.need.homeAdaptation': ['适老化改造', 'Home adaptation'],
  'visitPage.need.other': ['其他', 'Other'],
  'visitPage.policyExplained': ['政策宣传', 'Policy explained'],
  'visitPage.urgentHelp': ['紧急救助', 'Urgent help given'],
  'visitPage.durationMinutes': ['探访时长（分钟）', 'Duration (minutes)'],
  'visitPage.visitorKinds': ['探访人员类别', 'Visitors by kind'],
  'visitPage.visitor.contact': ['探访联系人', 'Visit contact'],
  'visitPage.visitor.committee': ['村（居）委', 'Committee staff'],
  'visitPage.visitor.socialWorker': ['社工', 'Social worker'],
  'visitPage.visitor.cadre': ['民政干部', 'Civil-affairs cadre'],
  'visitPage.visitor.gridWorker': ['网格员', 'Grid worker'],
  'visitPage.visitor.volunteer': ['志愿者', 'Volunteer'],
  'visitPage.visitor.other': ['其他', 'Other'],
  'visitPage.confirmedBy': ['确认', 'Confirmed by'],
  'visitPage.confirmed.elder': ['老人本人', 'The elder'],
  'visitPage.confirmed.family': ['家属', 'Family'],
  'visitPage.confirmed.none': ['无法确认', 'Nobody could'],
  'visit.notFound': ['未找到该探访记录', 'No such visit record'],
  'visit.alreadyComplete': ['该探访记录已填写完整', 'This visit record is already complete'],
  'visit.fillInClosed': ['已超过 7 天补填期限', 'The 7 days to fill in this visit are over'],
  // definitions and review (issue 14): end
  'import.unknownFlagColumn': [
    '未识别的列，其中的“是 / √”标记没有导入，请改用模板中的列名后重新导入',
    'Unrecognised column; its yes marks were not imported. Use the template’s column name and import again',
  ],
  // register and import (issue 13): new keys above this line
} as const satisfies Record<string, readonly [string, string]>;

export type MessageKey = keyof typeof messages;

/** "中文 / English" for one catalogue entry. */
export function msg(key: MessageKey, detail?: string): string {
  const [zh, en] = messages[key];
  return detail ? `${zh}：${detail} / ${en}: ${detail}` : `${zh} / ${en}`;
}
