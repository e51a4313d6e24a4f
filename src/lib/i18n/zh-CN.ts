/** 简体中文 strings. Typed against the English catalog, so a missing key fails the type check. */
import type { MessageKey } from './en';

export const zhCN: Record<MessageKey, string> = {
  'app.name': 'Parley',
  'app.loading': '正在打开 Parley…',

  'header.settings': '设置',

  'setup.title': '欢迎使用 Parley',
  'setup.intro':
    'Parley 直接从浏览器调用 OpenAI API（或任何兼容的接口）。你的密钥和对话只保存在这个浏览器中，只会发送到你选择的接口地址。',
  'setup.keyHelp': '在 platform.openai.com → API keys 创建密钥，它以“sk-”开头。',

  'settings.title': '设置',
  'settings.apiKey': 'API 密钥',
  'settings.apiKeySaved': '已保存的密钥：{masked}。留空则保留原密钥。',
  'settings.baseUrl': '接口地址（Base URL）',
  'settings.baseUrlHelp': '任何兼容 OpenAI 的接口，例如本机服务 http://localhost:11434/v1。',
  'settings.language': '语言',
  'settings.languageAuto': '跟随浏览器',
  'settings.save': '保存',
  'settings.saving': '正在验证密钥…',
  'settings.saveAnyway': '仍然保存',
  'settings.close': '关闭',
  'settings.forgetKey': '删除密钥',
  'settings.error.keyRequired': '请输入 API 密钥。',
  'settings.error.keySpaces': '密钥中含有空格或换行，请重新粘贴。',
  'settings.error.urlInvalid': '请输入以 https:// 开头的完整地址（本机服务可用 http://）。',
  'settings.error.keyRejected': '接口拒绝了这个密钥。请确认完整复制了密钥，且密钥未被撤销。',
  'settings.error.permission': '接口接受了密钥但拒绝访问（403）。请检查密钥权限或所在地区。',
  'settings.error.unreachable':
    '无法连接 {url}。通常是地址填错、服务器不允许网页直接请求（CORS），或当前处于离线状态。你仍然可以保存设置。',
  'settings.error.other': '接口返回了问题：{detail} 你仍然可以保存设置。',

  'sidebar.label': '对话列表',
  'sidebar.newChat': '新对话',
  'sidebar.search': '搜索对话',
  'sidebar.searchPlaceholder': '搜索…',
  'sidebar.empty': '还没有对话。',
  'sidebar.noMatches': '没有与“{query}”匹配的对话。',
  'sidebar.rename': '重命名',
  'sidebar.renameLabel': '“{title}”的新标题',
  'sidebar.delete': '删除',
  'sidebar.deleted': '已删除“{title}”。',
  'sidebar.undo': '撤销',
  'sidebar.toggle': '对话列表',

  'conversation.untitled': '新对话',
  'conversation.systemPrompt': '系统提示词',
  'conversation.systemPromptHelp': '模型在每条消息之前都会读到的指示。',

  'params.title': '参数',
  'params.model': '模型',
  'params.temperature': '温度（Temperature）',
  'params.maxTokens': '最大 token 数',
  'params.maxTokensHelp': '留空：使用模型自身的上限。',
  'params.error.model': '请输入模型 ID。',
  'params.error.temperature': '温度必须是 0 到 2 之间的数字。',
  'params.error.maxTokens': '最大 token 数必须是不小于 1 的整数，或留空。',

  'composer.message': '消息',
  'composer.placeholder': '给 {model} 发消息（Enter 发送，Shift+Enter 换行）',
  'composer.send': '发送',
  'composer.stop': '停止',
  'composer.fixParams': '请先修正上方的参数再发送。',

  'transcript.label': '对话内容',
  'transcript.empty': '发送一条消息开始对话。',
  'transcript.showEarlier': '显示更早的消息（{count}）',

  'message.user': '用户',
  'message.assistant': '助手',
  'message.system': '系统',
  'message.copy': '复制',
  'message.copied': '已复制',
  'message.retry': '重试',
  'message.previousVersion': '上一个版本',
  'message.nextVersion': '下一个版本',
  'message.openSettings': '打开设置',
  'message.status.streaming': '正在生成…',
  'message.status.stopped': '已停止',
  'message.status.interrupted': '已中断：回复生成时页面被关闭。',
  'message.finish.length': '已截断：达到最大 token 数',
  'message.finish.content_filter': '被内容过滤器终止',
  'message.finish.other': '结束原因：{reason}',
  'message.usage': '提示 {prompt} + 回复 {completion} = {total} tokens',
  'message.providerSaid': '接口返回：{detail}',

  'error.auth': '你的 API 密钥被拒绝。请打开设置检查或更换密钥。',
  'error.permission': '接口拒绝访问（403）。你的密钥可能没有使用此模型的权限，或所在地区不受支持。',
  'error.not_found': '此接口没有模型“{model}”。请在上方“模型”中选择其他模型后重试。',
  'error.rate_limit': '请求过于频繁，接口正在限流。请稍等{wait}后重试。',
  'error.rate_limit.wait': '（约 {seconds} 秒）',
  'error.quota':
    '你的账户余额不足（insufficient quota）。请在服务商的账单设置中充值或提高额度，然后重试。',
  'error.context_length':
    '对话长度超出了模型的上下文窗口。请新建对话、缩短历史，或选择上下文更大的模型。',
  'error.bad_request': '接口认为请求无效。请检查上方参数后重试。',
  'error.server': '接口服务端出现问题，请稍后重试。',
  'error.network':
    '无法连接到接口。请检查网络和设置中的接口地址；服务器不允许网页直接请求（CORS）时也会这样。',
  'error.incomplete': '回复尚未完成连接就断开了。已保留收到的内容，可重试。',
  'error.aborted': '请求已停止。',

  'storage.quota':
    '浏览器为 Parley 提供的存储空间已满，最新的更改无法保存。请删除一些旧对话后重试。',
  'storage.blocked':
    '另一个 Parley 标签页正在使用旧版本的数据库。请关闭其他 Parley 标签页，然后刷新本页。',
  'storage.unavailable':
    '此浏览器不允许 Parley 存储数据（隐私模式或存储被禁用），对话将不会被保存。',
  'storage.unknown': '保存失败：{detail}',
  'storage.dismiss': '关闭',
  'storage.reload': '刷新',
};
