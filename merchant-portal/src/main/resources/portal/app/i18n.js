// zh-CN (default) and English. Elements carry data-i18n="key"; t(key) for text made in code.
const dict = {
  'zh-CN': {
    title: '联点 Linkpoints', tagline: '本地生活联盟积分平台', lang: 'English',
    staffSignIn: '商家 / 管理员登录', walletLink: '会员钱包', alliance: '联盟编号', username: '用户名', password: '密码',
    signIn: '登录', signOut: '退出', signInFailed: '登录失败', loading: '加载中…',
    dashboard: '概览', campaigns: '跨店推广', customers: '顾客', terminals: '终端', earnRule: '积分规则', statement: '结算单',
    liveFeed: '实时交易', outstanding: '未兑付积分', expiring30: '30 天内到期', shopChart: '推广券 发放 / 核销',
    issued: '发放', redeemed: '核销', accepted: '接受', net: '净额', save: '保存', saved: '已保存',
    pointsPerYuan: '每元积分', dailyCap: '每日上限',
    newCampaign: '新建跨店推广', campaignName: '名称', partnerShop: '合作店铺', amountOffYuan: '立减（元）',
    minSpendYuan: '最低消费（元）', inventory: '数量', create: '创建', created: '已创建', status: '状态',
    accept: '接受', pause: '暂停', resume: '恢复', actions: '操作', participants: '参与店铺',
    awaiting_consent: '待对方同意', live: '进行中', paused: '已暂停',
    lastVisit: '最近到店', phone: '手机号', member: '会员', name: '名称', enrol: '登记终端', revoke: '停用',
    shops: '店铺', onboard: '新增店铺', ownerUsername: '店主用户名', ownerPassword: '店主密码',
    economics: '经济参数', pricePerPoint: '每积分价值（分）', expiryMonths: '有效期（月）', breakageRule: '过期积分归属',
    issuing_shop: '发行店铺', alliance_fund: '联盟基金',
    settlement: '结算', month: '月份（YYYY-MM）', openPeriod: '开启结算期', run: '计算', close: '关闭', period: '结算期',
    party: '参与方', fund: '联盟基金', receivable: '应收', payable: '应付', total: '合计',
    downloadCsv: '下载 CSV', downloading: '下载中', downloaded: '已下载',
    reconciliation: '对账', liability: '积分负债', crossVisits: '跨店到访热力图', audit: '审计日志', verify: '校验',
    ok: '正常', broken: '异常', suspend: '暂停店铺', draft: '草稿', closed: '已关闭',
    wallet: '会员钱包', sendCode: '获取验证码', code: '验证码', codeSent: '验证码已发送', balance: '积分余额',
    myCode: '会员码', refreshIn: '秒后刷新', coupons: '我的优惠券', market: '积分兑换', exchange: '兑换',
    scanShopCode: '扫描店铺码', claim: '领取', claimed: '已领取', none: '暂无', points: '积分', history: '记录',
    scanWithCamera: '拍照扫码', reading: '正在识别二维码…', pointsClaimed: '已领取 {n} 积分', couponClaimed: '已领取优惠券',
    alreadyClaimed: '您已领取过这个店铺码', usedByOther: '这个店铺码已被他人领取', codeExpired: '这个店铺码已过期',
    notAShopCode: '这不是联点店铺码', noQrFound: '照片中未识别到二维码，请靠近重拍', imageUnreadable: '无法读取这张照片',
    noRole: '此账号无法使用门户', weeklyChart: '每周积分 发放 / 接受', issue_reversed: '发放冲正', accept_reversed: '接受冲正', weekOf: '周', expiringSoon: '即将到期（90 天内）', runs: '计算次数',
    reinstate: '恢复营业', active: '营业中', suspended: '已暂停', shopSuspended: '本店已被联盟暂停，请联系联盟管理员',
    overlap: '本店顾客还去哪些店', overlapMembers: '共同顾客', overlapHelp: '在本店获得积分的会员中，在其他店铺获得或使用积分的人数（只有人数，不含会员信息）',
    from: '开始日期', to: '结束日期', show: '查看', customersHere: '本店积分会员',
    owed: '待还积分', owedHint: '退款时这些积分已被使用；之后获得的积分会先用于偿还', pos_refund: '退款扣回', pos_recovery: '偿还欠分', pos_promotion: '促销奖励', pos_bounty: '新客奖励',
    nextCode: '换一个码', codeHint: '付款码在手机上生成，无网络也可使用；每个码只能用一次', devices: '已登录的设备', thisPhone: '本机',
    lastUsed: '最近使用', never: '未使用', revokedAt: '已停用', asOf: '截至', offline: '离线，显示的是上次联网时的数据',
    deviceRevoked: '此手机已退出登录（设备已停用），请重新登录', lastCode: '本时段的码已用完，请等待下一个码',
    signInToRefresh: '登录后可刷新余额和记录',
    // promotions, bounty (owner page), tiers (admin page, wallet); err_<code>: the server's problem codes
    promotions: '促销活动', promoName: '活动名称', promoKind: '类型', multiplier: '积分倍数', bonus: '额外积分',
    multiplierTimes: '倍数（如 1.5）', bonusPoints: '每笔额外积分', weekdays: '星期', window: '时段', windowStart: '开始时间', windowEnd: '结束时间',
    allDay: '全天', everyDay: '每天', startsOn: '开始日期', endsOn: '结束日期', adds: '奖励', minSpend: '最低消费',
    scheduled: '未开始', ended: '已结束', endPromo: '提前结束', confirmEnd: '确认结束', endedAt: '结束于',
    wd1: '一', wd2: '二', wd3: '三', wd4: '四', wd5: '五', wd6: '六', wd7: '日', wdPrefix: '周',
    promoHelp: '按联盟时区计算；多个活动同时适用时只取奖励最多的一个，不叠加。费用由本店承担。',
    bounty: '新客奖励', bountyHelp: '会员在本店的第一笔消费（达到最低消费）获得的额外积分，由本店承担，每位会员仅一次。',
    bountyOff: '未开启', bountyOn: '首单满 ¥{min} 奖励 {n} 积分', bountyPoints: '奖励积分', switchOff: '关闭',
    tiers: '会员等级', tierBasis: '计算依据', points_earned: '获得积分', spend_fen: '消费金额', windowDays: '统计天数', graceDays: '保级天数',
    tierLevel: '等级', nameZh: '中文名称', nameEn: '英文名称', threshold: '门槛', thresholdPoints: '门槛（积分）', thresholdYuan: '门槛（元）',
    minShops: '最少店铺数', addLevel: '添加等级', remove: '删除', tiersNotDefined: '尚未设置会员等级',
    tiersHelp: '等级从低到高，门槛必须逐级递增；保存会替换全部等级，会员在下次消费或每日评估时按新规则调整。', version: '版本',
    myTier: '会员等级', noTierYet: '暂无等级', inWindow: '近 {d} 天', figPoints: '获得积分', figSpend: '消费', figShops: '到访店铺',
    toNext: '距离{name}还差', topTier: '已是最高等级', shopsMore: '{n} 家店', graceUntil: '保级期至 {d}，之后若仍未达标将降级',
    webhooks: 'Webhooks', whHelp: '把本店（管理员：整个联盟）的事件实时推送到您的系统：每次推送都用密钥签名（Linkpoints-Signature），失败会重试 3 天，之后停用该地址。只接受公网 http(s) 地址。',
    whUrl: '接收地址', whTypes: '事件类型', whRegister: '添加地址', whSecretOnce: '签名密钥只显示这一次，请立即保存：',
    whSecretSaved: '我已保存', whLog: '推送记录', whRotate: '更换密钥', whRotated: '已更换密钥，旧密钥 24 小时内仍会签名',
    whDisable: '停用', whEnable: '启用', whDelete: '删除', whDeleted: '已删除', whReplay: '重新推送', whReplayed: '已安排重新推送',
    whEvent: '事件', whAttempts: '尝试次数', whLast: '最近结果', whAt: '时间', wh_active: '启用中', wh_disabled: '已停用',
    whd_pending: '待推送', whd_succeeded: '成功', whd_given_up: '已放弃',
    err_endpoint_not_allowed: '这个地址不能使用：须为 http(s)，且主机必须是公网地址（不能是本机、内网或链路本地地址）',
    err_webhook_not_found: '没有这个推送地址',
    err_delivery_not_found: '没有这条推送记录',
    err_invalid_promotion: '活动设置有误：类型与奖励不符、时段开始须早于结束（不跨午夜）、开始日期不能晚于结束日期',
    err_invalid_tiers: '等级设置有误：门槛必须逐级递增',
    err_validation_failed: '填写有误，请检查各项（名称、数值范围、日期）',
    err_tiers_not_defined: '尚未设置会员等级', err_promotion_not_found: '找不到这个活动',
    err_forbidden: '您无权执行此操作', err_not_your_shop: '这不是您的店铺', err_unauthorized: '登录已过期，请重新登录',
    err_too_many_requests: '操作太频繁，请稍后再试', err_unavailable: '服务暂时不可用，请稍后重试',
    err_shop_suspended: '本店已被联盟暂停，请联系联盟管理员',
    // member phones
    memberPhones: '会员手机', mpPhone: '会员手机号', mpSearch: '查找',
    mpHelp: '会员丢失手机时，可按其手机号查找并停用那部手机：停用后，那部手机生成的会员码在收银台一律被拒绝；会员在新手机上登录钱包即可继续使用。',
    mpPhoneEmpty: '请输入会员的手机号，例如 +8613800138000',
    mpPhoneInvalid: '手机号格式不对：请以 + 和国家码开头，只用数字，例如 +8613800138000',
    mpPhoneAddCountry: '请加上国家码：是 {p} 吗？',
    mpMember: '会员', mpDeviceCount: '{n} 部手机在用', mpDevice: '手机', mpBoundAt: '绑定时间', mpLastUsed: '最近使用', mpStatus: '状态',
    mpActive: '在用', mpRevokedBy: '已由{who}停用 · {at}', mpBy_member: '会员本人', mpBy_owner: '店主', mpBy_admin: '联盟管理员',
    mpNever: '从未使用', mpUnnamed: '未命名手机', mpNoDevices: '该会员还没有绑定手机', mpTimesIn: '时间均为联盟时区（{tz}）',
    mpRevoke: '停用', mpConfirmText: '确定停用“{label}”？它的会员码将立即失效。', mpConfirmRevoke: '确认停用', mpCancel: '取消',
    mpRevoked: '已停用“{label}”：这部手机的会员码不再被接受',
    mpErr_member_not_found: '本联盟没有用这个手机号登记的会员，请核对号码',
    mpErr_device_not_found: '找不到这部手机（可能不属于本联盟），请重新查找',
    mpErr_validation_failed: '手机号格式不对：请以 + 和国家码开头，例如 +8613800138000',
    mpErr_forbidden: '您无权执行此操作', mpErr_unauthorized: '登录已过期，请重新登录',
    mpErr_too_many_requests: '操作太频繁，请稍后再试', mpErr_ledger_unavailable: '服务暂时不可用，请稍后重试',
    mpErr_unavailable: '服务暂时不可用，请稍后重试', mpFailed: '操作失败（{code}），请稍后重试'
  },
  en: {
    title: 'Linkpoints 联点', tagline: 'Alliance loyalty platform', lang: '中文',
    staffSignIn: 'Shop / admin sign-in', walletLink: 'Member wallet', alliance: 'Alliance id', username: 'Username', password: 'Password',
    signIn: 'Sign in', signOut: 'Sign out', signInFailed: 'Sign-in failed', loading: 'Loading…',
    dashboard: 'Dashboard', campaigns: 'Cross-promotions', customers: 'Customers', terminals: 'Terminals', earnRule: 'Earn rule', statement: 'Statements',
    liveFeed: 'Live transactions', outstanding: 'Outstanding points', expiring30: 'Expiring in 30 days', shopChart: 'Coupons issued / redeemed',
    issued: 'Issued', redeemed: 'Redeemed', accepted: 'Accepted', net: 'Net', save: 'Save', saved: 'Saved',
    pointsPerYuan: 'Points per yuan', dailyCap: 'Daily cap',
    newCampaign: 'New cross-promotion', campaignName: 'Name', partnerShop: 'Partner shop', amountOffYuan: 'Amount off (yuan)',
    minSpendYuan: 'Minimum spend (yuan)', inventory: 'Inventory', create: 'Create', created: 'Created', status: 'Status',
    accept: 'Accept', pause: 'Pause', resume: 'Resume', actions: 'Actions', participants: 'Shops',
    awaiting_consent: 'Awaiting consent', live: 'Live', paused: 'Paused',
    lastVisit: 'Last visit', phone: 'Phone', member: 'Member', name: 'Name', enrol: 'Enrol terminal', revoke: 'Revoke',
    shops: 'Shops', onboard: 'Onboard shop', ownerUsername: 'Owner username', ownerPassword: 'Owner password',
    economics: 'Economics', pricePerPoint: 'Price per point (fen)', expiryMonths: 'Expiry (months)', breakageRule: 'Breakage rule',
    issuing_shop: 'Issuing shop', alliance_fund: 'Alliance fund',
    settlement: 'Settlement', month: 'Month (YYYY-MM)', openPeriod: 'Open period', run: 'Run', close: 'Close', period: 'Period',
    party: 'Party', fund: 'Alliance fund', receivable: 'Receivable', payable: 'Payable', total: 'Total',
    downloadCsv: 'Download CSV', downloading: 'Downloading', downloaded: 'Downloaded',
    reconciliation: 'Reconciliation', liability: 'Liability', crossVisits: 'Cross-visit heat map', audit: 'Audit log', verify: 'Verify',
    ok: 'OK', broken: 'Broken', suspend: 'Suspend', draft: 'Draft', closed: 'Closed',
    wallet: 'Member wallet', sendCode: 'Send code', code: 'Code', codeSent: 'Code sent', balance: 'Balance',
    myCode: 'Member code', refreshIn: 's to refresh', coupons: 'My coupons', market: 'Coupon market', exchange: 'Exchange',
    scanShopCode: 'Scan a shop code', claim: 'Claim', claimed: 'Claimed', none: 'None', points: 'points', history: 'History',
    scanWithCamera: 'Take a photo of the code', reading: 'Reading the QR code…', pointsClaimed: 'Claimed {n} points', couponClaimed: 'Coupon claimed',
    alreadyClaimed: 'You already claimed this shop code', usedByOther: 'Someone else already claimed this shop code', codeExpired: 'This shop code has expired',
    notAShopCode: 'This is not a Linkpoints shop code', noQrFound: 'No QR code found in the photo; move closer and try again', imageUnreadable: 'This photo could not be read',
    noRole: 'This account cannot use the portal', weeklyChart: 'Points issued / accepted per week', issue_reversed: 'Issue reversed', accept_reversed: 'Accept reversed', weekOf: 'week', expiringSoon: 'Expiring within 90 days', runs: 'runs',
    reinstate: 'Reinstate', active: 'Active', suspended: 'Suspended', shopSuspended: 'This shop has been suspended by the alliance; please contact the alliance admin',
    overlap: 'Where your customers also shop', overlapMembers: 'Shared customers', overlapHelp: 'Of the members who earned points here, how many also earned or spent points at each other shop (counts only, no member details)',
    from: 'From', to: 'To', show: 'Show', customersHere: 'Members who earned here',
    owed: 'Points owed', owedHint: 'A refund took back points you had already spent; your next earnings pay them back first',
    pos_refund: 'refund', pos_recovery: 'paid back', pos_promotion: 'promotion', pos_bounty: 'new customer bonus',
    nextCode: 'Next code', codeHint: 'The code is made on this phone and works offline; each code can be used once', devices: 'Signed-in devices', thisPhone: 'this phone',
    lastUsed: 'last used', never: 'never used', revokedAt: 'revoked', asOf: 'as of', offline: 'Offline: showing the data from when you were last online',
    deviceRevoked: 'This phone was signed out (device revoked); please sign in again', lastCode: 'All codes of this period are used; wait for the next one',
    signInToRefresh: 'Sign in to refresh the balance and history',
    // promotions, bounty (owner page), tiers (admin page, wallet); err_<code>: the server's problem codes
    promotions: 'Promotions', promoName: 'Name', promoKind: 'Kind', multiplier: 'Points multiplier', bonus: 'Bonus points',
    multiplierTimes: 'Multiplier (e.g. 1.5)', bonusPoints: 'Bonus points per sale', weekdays: 'Weekdays', window: 'Hours', windowStart: 'From', windowEnd: 'Until',
    allDay: 'all day', everyDay: 'every day', startsOn: 'Starts on', endsOn: 'Ends on', adds: 'Adds', minSpend: 'Minimum spend',
    scheduled: 'Upcoming', ended: 'Ended', endPromo: 'End now', confirmEnd: 'Yes, end it', endedAt: 'ended',
    wd1: 'Mon', wd2: 'Tue', wd3: 'Wed', wd4: 'Thu', wd5: 'Fri', wd6: 'Sat', wd7: 'Sun', wdPrefix: '',
    promoHelp: "In the alliance's time zone; when several apply to a sale, only the one adding the most counts (they do not stack). Paid by this shop.",
    bounty: 'New-customer bounty', bountyHelp: "Extra points on a member's first purchase at this shop (at least the minimum spend), paid by this shop, once per member.",
    bountyOff: 'Off', bountyOn: '{n} points on a first purchase of at least ¥{min}', bountyPoints: 'Bounty points', switchOff: 'Switch off',
    tiers: 'Tiers', tierBasis: 'Basis', points_earned: 'Points earned', spend_fen: 'Spend', windowDays: 'Window (days)', graceDays: 'Grace (days)',
    tierLevel: 'Level', nameZh: 'Chinese name', nameEn: 'English name', threshold: 'Threshold', thresholdPoints: 'Threshold (points)', thresholdYuan: 'Threshold (yuan)',
    minShops: 'Minimum shops', addLevel: 'Add level', remove: 'Remove', tiersNotDefined: 'No tiers defined yet',
    tiersHelp: 'Levels lowest first, thresholds strictly increasing; saving replaces every level, and members move at their next sale or the daily review.', version: 'version',
    myTier: 'Member tier', noTierYet: 'No tier yet', inWindow: 'last {d} days', figPoints: 'Points earned', figSpend: 'Spend', figShops: 'Shops visited',
    toNext: 'To {name}', topTier: 'Top tier reached', shopsMore: '{n} more shop(s)', graceUntil: 'Kept until {d}; below it after that, the tier goes down',
    webhooks: 'Webhooks', whHelp: 'Send this shop\'s (admin: the whole alliance\'s) events to your own systems as they happen: each delivery is signed with the secret (Linkpoints-Signature), retried for 3 days, then the endpoint is disabled. Public http(s) addresses only.',
    whUrl: 'Endpoint URL', whTypes: 'Event types', whRegister: 'Add endpoint', whSecretOnce: 'The signing secret is shown only this once; store it now:',
    whSecretSaved: 'I have stored it', whLog: 'Deliveries', whRotate: 'Rotate secret', whRotated: 'Secret rotated; the old one also signs for 24 hours',
    whDisable: 'Disable', whEnable: 'Enable', whDelete: 'Delete', whDeleted: 'Deleted', whReplay: 'Send again', whReplayed: 'Will be sent again',
    whEvent: 'Event', whAttempts: 'Attempts', whLast: 'Last result', whAt: 'At', wh_active: 'Active', wh_disabled: 'Disabled',
    whd_pending: 'Pending', whd_succeeded: 'Succeeded', whd_given_up: 'Given up',
    err_endpoint_not_allowed: 'This URL cannot be used: it must be http(s) on a public host (not this machine, a private network or a link-local address)',
    err_webhook_not_found: 'No such endpoint',
    err_delivery_not_found: 'No such delivery',
    err_invalid_promotion: 'The promotion does not add up: kind and boost must match, the hours must start before they end (not across midnight), and the start date not be after the end date',
    err_invalid_tiers: 'The levels do not add up: thresholds must strictly increase',
    err_validation_failed: 'Some fields are not valid (name, number ranges, dates)',
    err_tiers_not_defined: 'No tiers defined yet', err_promotion_not_found: 'That promotion was not found',
    err_forbidden: 'You are not allowed to do this', err_not_your_shop: 'This is not your shop', err_unauthorized: 'Your session has expired; please sign in again',
    err_too_many_requests: 'Too many attempts; please wait a moment', err_unavailable: 'The service is briefly unavailable; please retry',
    err_shop_suspended: 'This shop has been suspended by the alliance; please contact the alliance admin',
    // member phones
    memberPhones: 'Member phones', mpPhone: "Member's phone number", mpSearch: 'Find',
    mpHelp: "When a member loses a phone, find them by phone number and revoke that phone: from then on the tills refuse every member code it makes; the member signs in to the wallet on a new phone to carry on.",
    mpPhoneEmpty: "Enter the member's phone number, e.g. +8613800138000",
    mpPhoneInvalid: 'Not a valid phone number: start with + and the country code, digits only, e.g. +8613800138000',
    mpPhoneAddCountry: 'Add the country code: did you mean {p}?',
    mpMember: 'Member', mpDeviceCount: '{n} phone(s) in use', mpDevice: 'Phone', mpBoundAt: 'Bound at', mpLastUsed: 'Last used', mpStatus: 'Status',
    mpActive: 'Active', mpRevokedBy: 'Revoked by {who} · {at}', mpBy_member: 'the member', mpBy_owner: 'a shop owner', mpBy_admin: 'the alliance admin',
    mpNever: 'Never', mpUnnamed: 'Unnamed phone', mpNoDevices: 'This member has not bound a phone yet', mpTimesIn: "Times in the alliance's time zone ({tz})",
    mpRevoke: 'Revoke', mpConfirmText: 'Revoke "{label}"? Its member codes stop working at once.', mpConfirmRevoke: 'Yes, revoke', mpCancel: 'Cancel',
    mpRevoked: 'Revoked "{label}": the tills no longer accept this phone\'s member codes',
    mpErr_member_not_found: 'No member of this alliance has this phone number; please check it',
    mpErr_device_not_found: 'That phone was not found (it may not belong to this alliance); please search again',
    mpErr_validation_failed: 'Not a valid phone number: start with + and the country code, e.g. +8613800138000',
    mpErr_forbidden: 'You are not allowed to do this', mpErr_unauthorized: 'Your session has expired; please sign in again',
    mpErr_too_many_requests: 'Too many attempts; please wait a moment', mpErr_ledger_unavailable: 'The service is briefly unavailable; please retry',
    mpErr_unavailable: 'The service is briefly unavailable; please retry', mpFailed: 'That did not work ({code}); please retry'
  }
};

export function lang() {
  const l = localStorage.getItem('lp.lang');
  return l === 'en' ? 'en' : 'zh-CN';
}

export function t(key) {
  return dict[lang()][key] ?? dict['zh-CN'][key] ?? key;
}

/** t(key) with {name} placeholders filled from vars. */
export function tf(key, vars) {
  return t(key).replace(/\{(\w+)\}/g, (m, k) => (vars[k] ?? m));
}

/** What to show for a refused request: the problem code's own message (err_<code>), the server's detail after it. */
export function problemText(e) {
  const own = e && e.code ? dict[lang()]['err_' + e.code] : undefined;
  if (!own) return e.message;
  return e.detail ? `${own} (${e.detail})` : own;
}

/** Fills every [data-i18n] element and wires the language switch (#lang). */
export function applyI18n(onChange) {
  document.documentElement.lang = lang();
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-ph]')) el.placeholder = t(el.dataset.i18nPh);
  const sw = document.getElementById('lang');
  if (sw && !sw.dataset.wired) {
    sw.dataset.wired = '1';
    sw.addEventListener('click', () => {
      localStorage.setItem('lp.lang', lang() === 'en' ? 'zh-CN' : 'en');
      applyI18n(onChange);
      if (onChange) onChange();
    });
  }
}
