// Labels in pt-BR (default) and English. Numbers and dates follow the chosen locale through Intl.
export const I18N = (function () {
  const dict = {
    "pt-BR": {
      title: "Cidades Inteligentes — Painel de Engenharia",
      overview: "Visão geral do estado", month: "Mês", language: "English", live: "Ao vivo", liveOff: "Desconectado", liveReconnecting: "Sem sinal — reconectando…",
      city: "Município", measured: "Medido (kWh)", baseline: "Linha de base (kWh)", savedKwh: "Economia (kWh)",
      savedBrl: "Economia (R$)", billSaved: "Economia na conta (R$)", pctRevenue: "% da receita", costToCip: "Custo ÷ CIP",
      payback: "Retorno (meses)", wifi: "Wi-Fi conformes", devicesOnline: "Dispositivos online", openAlerts: "Alertas abertos",
      totals: "Total do estado", compliantCities: "Municípios conformes", back: "← Visão geral",
      reports: "Relatórios mensais", noReports: "Nenhum relatório para este mês.", stateScope: "Estado de São Paulo",
      dailyEnergy: "Energia diária", aneel: "Estimativa ANEEL", optionB: "Linha de base (Opção B)", measuredShort: "Medido",
      luminaires: "Luminárias e pontos Wi-Fi", faults: "Falhas e alertas", wifiPoints: "Pontos Wi-Fi", noFaults: "Nenhum alerta aberto.",
      availability: "Disponibilidade", downMbps: "Download mediano (Mbps)", upMbps: "Upload mediano (Mbps)", latency: "Latência p95 (ms)",
      daysUsed: "Dias com uso", compliant: "Conforme", notCompliant: "Não conforme", completeness: "Completude dos dados",
      unavailable: "Dados indisponíveis", loading: "Carregando…", device: "Dispositivo", online: "Online", offline: "Offline",
      on: "Acesa", off: "Apagada", alert: "Com alerta", hotspot: "Ponto Wi-Fi", lastSeen: "Visto por último", power: "Potência (W)",
      dim: "Dimerização (%)", energy: "Energia (Wh)", clients: "Clientes", recent: "Série recente", events: "Eventos",
      commands: "Comandos", override: "Sobrescrever dimerização", duration: "Duração (s)", apiKey: "Chave de API (operador)", signIn: "Chave de acesso", signInHelp: "Esta instalação exige uma chave de API para consultar os dados. Peça a sua ao administrador do sistema.", signInRejected: "Chave não aceita: confira e tente de novo.", signInSend: "Entrar",
      send: "Enviar", sending: "Enviando…", waitingAck: "Aguardando confirmação…", noAck: "Sem confirmação ainda: o dispositivo responde quando receber o comando", unacknowledged: "Sem confirmação (expirou)", result: "Resultado", type: "Tipo", time: "Hora",
      detail: "Detalhe", firmware: "Firmware", status: "Estado", notFound: "Não encontrado", error: "Erro",
      up: "No ar", down: "Fora do ar", noData: "Sem dados", savingsKwhCard: "Economia de energia", co2: "CO₂ evitado (t)",
      spendBefore: "Gasto antes (R$)", spendAfter: "Gasto depois (R$)", devices: "Dispositivos", sentBy: "Enviado por",
      cities: "municípios", lamp: "Lâmpada", luminaire: "Luminária", portal: "Portal cativo", notRegistered: "Ponto não registrado",
      filterDevices: "Filtrar dispositivos", filterAll: "Todos", filterAlert: "Com alerta", filterOffline: "Offline", filterNever: "Nunca visto", neverSeen: "Nunca visto",
      showMore: "Mostrar mais", remaining: "restantes", noDevicesInFilter: "Nenhum dispositivo neste filtro.", mapShown: "{shown} de {total} mostrados",
      completenessShort: "Completude", noReadings: "sem dados", noReadingsHelp: "Nenhuma luminária enviou leituras neste mês", luminairesReporting: "luminárias com leituras",
      // event and alert types (docs/telemetry.md; communicationLoss is the cloud's own)
      "type.lampFailure": "Falha da lâmpada", "type.lampUnexpectedOn": "Acesa de dia", "type.cyclingFailure": "Lâmpada ciclando",
      "type.lampPowerTooHigh": "Potência acima do esperado", "type.lampPowerTooLow": "Potência abaixo do esperado",
      "type.supplyLoss": "Falta de energia", "type.relayFailure": "Falha do relé", "type.dimmingFailure": "Falha de dimerização",
      "type.highTemperature": "Temperatura alta", "type.clockUnsynchronised": "Relógio não sincronizado",
      "type.backhaulDown": "Backhaul fora do ar", "type.portalDown": "Portal cativo fora do ar",
      "type.outboxOverflow": "Mensagens descartadas no dispositivo", "type.communicationLoss": "Perda de comunicação"
    },
    "en": {
      title: "Smart Cities — Engineering Dashboard",
      overview: "State overview", month: "Month", language: "Português", live: "Live", liveOff: "Disconnected", liveReconnecting: "No signal — reconnecting…",
      city: "Municipality", measured: "Measured (kWh)", baseline: "Baseline (kWh)", savedKwh: "Saved (kWh)",
      savedBrl: "Saved (R$)", billSaved: "Bill saved (R$)", pctRevenue: "% of revenue", costToCip: "Cost ÷ CIP",
      payback: "Payback (months)", wifi: "Wi-Fi compliant", devicesOnline: "Devices online", openAlerts: "Open alerts",
      totals: "State total", compliantCities: "Compliant municipalities", back: "← Overview",
      reports: "Monthly reports", noReports: "No reports for this month.", stateScope: "São Paulo state",
      dailyEnergy: "Daily energy", aneel: "ANEEL estimate", optionB: "Baseline (Option B)", measuredShort: "Measured",
      luminaires: "Luminaires and Wi-Fi points", faults: "Faults and alerts", wifiPoints: "Wi-Fi points", noFaults: "No open alerts.",
      availability: "Availability", downMbps: "Median download (Mbps)", upMbps: "Median upload (Mbps)", latency: "p95 latency (ms)",
      daysUsed: "Days used", compliant: "Compliant", notCompliant: "Not compliant", completeness: "Data completeness",
      unavailable: "Data unavailable", loading: "Loading…", device: "Device", online: "Online", offline: "Offline",
      on: "On", off: "Off", alert: "Alert", hotspot: "Wi-Fi point", lastSeen: "Last seen", power: "Power (W)",
      dim: "Dim level (%)", energy: "Energy (Wh)", clients: "Clients", recent: "Recent series", events: "Events",
      commands: "Commands", override: "Dimming override", duration: "Duration (s)", apiKey: "API key (operator)", signIn: "Access key", signInHelp: "This installation needs an API key to read its data. Ask the system administrator for yours.", signInRejected: "Key not accepted: check it and try again.", signInSend: "Sign in",
      send: "Send", sending: "Sending…", waitingAck: "Waiting for acknowledgement…", noAck: "No acknowledgement yet: the device answers when the command reaches it", unacknowledged: "Unacknowledged (expired)", result: "Result", type: "Type", time: "Time",
      detail: "Detail", firmware: "Firmware", status: "Status", notFound: "Not found", error: "Error",
      up: "Up", down: "Down", noData: "No data", savingsKwhCard: "Energy saved", co2: "CO₂ avoided (t)",
      spendBefore: "Spend before (R$)", spendAfter: "Spend after (R$)", devices: "Devices", sentBy: "Sent by",
      cities: "municipalities", lamp: "Lamp", luminaire: "Luminaire", portal: "Captive portal", notRegistered: "Point not registered",
      filterDevices: "Filter devices", filterAll: "All", filterAlert: "With alerts", filterOffline: "Offline", filterNever: "Never seen", neverSeen: "Never seen",
      showMore: "Show more", remaining: "remaining", noDevicesInFilter: "No device in this filter.", mapShown: "{shown} of {total} shown",
      completenessShort: "Completeness", noReadings: "no data", noReadingsHelp: "No luminaire sent readings this month", luminairesReporting: "luminaires reporting",
      "type.lampFailure": "Lamp failure", "type.lampUnexpectedOn": "Day burning", "type.cyclingFailure": "Lamp cycling",
      "type.lampPowerTooHigh": "Power above expected", "type.lampPowerTooLow": "Power below expected",
      "type.supplyLoss": "Mains supply loss", "type.relayFailure": "Relay failure", "type.dimmingFailure": "Dimming failure",
      "type.highTemperature": "High temperature", "type.clockUnsynchronised": "Clock not synchronised",
      "type.backhaulDown": "Backhaul down", "type.portalDown": "Captive portal down",
      "type.outboxOverflow": "Messages dropped on the device", "type.communicationLoss": "Communication loss"
    }
  };
  let locale = localStorage.getItem("ci.locale") === "en" ? "en" : "pt-BR";
  const fmtCache = new Map();
  function nf(min, max, style) {
    const key = locale + "|" + min + "|" + max + "|" + (style || "");
    if (!fmtCache.has(key)) {
      const opts = { minimumFractionDigits: min, maximumFractionDigits: max };
      if (style === "currency") { opts.style = "currency"; opts.currency = "BRL"; }
      fmtCache.set(key, new Intl.NumberFormat(locale === "en" ? "en-US" : "pt-BR", opts));
    }
    return fmtCache.get(key);
  }
  const missing = "—";
  const ok = (v) => typeof v === "number" && isFinite(v);
  return {
    get locale() { return locale; },
    toggle() { locale = locale === "en" ? "pt-BR" : "en"; localStorage.setItem("ci.locale", locale); },
    t(key) { return (dict[locale] && dict[locale][key]) || dict["pt-BR"][key] || key; },
    // an event or alert type's label; an unknown type (a newer device) is shown as it came
    type(code) { const k = "type." + code; return (dict[locale] && dict[locale][k]) || dict["pt-BR"][k] || String(code || "?"); },
    // kWh and other quantities: 1 decimal; money: 2 decimals; percent of a ratio or a percent value: 2 decimals.
    num(v, decimals) { const d = decimals === undefined ? 1 : decimals; return ok(v) ? nf(d, d).format(v) : missing; },
    int(v) { return ok(v) ? nf(0, 0).format(v) : missing; },
    brl(v) { return ok(v) ? nf(2, 2, "currency").format(v) : missing; },
    pct(v, decimals) { const d = decimals === undefined ? 2 : decimals; return ok(v) ? nf(d, d).format(v) + " %" : missing; },
    date(iso) {
      if (!iso) return missing;
      return new Intl.DateTimeFormat(locale === "en" ? "en-US" : "pt-BR", { dateStyle: "short", timeStyle: "medium", timeZone: "America/Sao_Paulo" }).format(new Date(iso));
    },
    day(isoDate) {
      // a local calendar day "YYYY-MM-DD": format without shifting it through UTC
      const [y, m, d] = String(isoDate).slice(0, 10).split("-").map(Number);
      return new Intl.DateTimeFormat(locale === "en" ? "en-US" : "pt-BR", { day: "2-digit", month: "2-digit", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, d)));
    }
  };
})();

export const t = (key) => I18N.t(key);
