// Protocol writes signed in this page with the user's own key: an injected EIP-1193 wallet, or a
// pasted test key (devnet). The key never leaves the page: only the EIP-712 signature is sent,
// to the edge's staking API (POST /v1/staking/{action}). Forms: <form data-action="bond"> whose
// inputs are named after the action's args; data-unit="LPT"/"ETH" inputs take decimal tokens and
// data-unit="percent" ones a percentage (sent in PERC points, 1e6 = 100%).
// On the chain ledger (data-ledger="chain") nothing is signed for the edge: the page asks it for the
// unsigned transactions (POST /v1/staking/tx/{action}) and the wallet sends each (eth_sendTransaction),
// the next once the one before is mined.
// The signing modules load on first use: a page view costs nothing for them.
const noble = () =>
  Promise.all([import("@noble/curves/secp256k1.js"), import("@noble/hashes/sha3.js")]).then(
    ([curves, hashes]) => ({ secp256k1: curves.secp256k1, keccak_256: hashes.keccak_256 }),
  );
let secp256k1;
let keccak_256;

const enc = new TextEncoder();
const hex = (b) => `0x${Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("")}`;
const unhex = (h) => Uint8Array.from(h.replace(/^0x/, "").match(/../g) || [], (x) => Number.parseInt(x, 16));
const word = (n) => unhex(BigInt(n).toString(16).padStart(64, "0"));
const kec = (b) => keccak_256(b);
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
};

const DOMAIN_TYPE = "EIP712Domain(string name,string version,uint256 chainId)";
const REQUEST_TYPE = "StakingRequest(string action,string args,bytes32 nonce,uint256 deadline)";

/** The EIP-712 digest of a StakingRequest, as the edge recomputes it. */
function digest(chainId, message) {
  const domain = kec(
    concat(
      kec(enc.encode(DOMAIN_TYPE)),
      kec(enc.encode("Livepeer Edge")),
      kec(enc.encode("1")),
      word(chainId),
    ),
  );
  const struct = kec(
    concat(
      kec(enc.encode(REQUEST_TYPE)),
      kec(enc.encode(message.action)),
      kec(enc.encode(message.args)),
      unhex(message.nonce),
      word(message.deadline),
    ),
  );
  return kec(concat(Uint8Array.of(0x19, 0x01), domain, struct));
}

function addressOfKey(key) {
  const pub = secp256k1.getPublicKey(key, false);
  return hex(kec(pub.slice(1)).slice(12));
}

/** JSON with sorted keys and string values: exactly what the edge signs over. */
function canonical(args) {
  const sorted = {};
  for (const k of Object.keys(args).sort()) sorted[k] = args[k];
  return JSON.stringify(sorted);
}

/** "12.5" LPT → wei, exactly (no floating point). */
function toWei(text) {
  const m = /^\s*(\d+)(?:\.(\d{0,18}))?\s*$/.exec(text);
  if (!m) throw new Error(`"${text}" is not an amount (at most 18 decimals)`);
  return (BigInt(m[1]) * 10n ** 18n + BigInt((m[2] || "").padEnd(18, "0"))).toString();
}

function toPerc(text) {
  const m = /^\s*(\d{1,3})(?:\.(\d{0,4}))?\s*$/.exec(text);
  if (!m) throw new Error(`"${text}" is not a percentage (at most 4 decimals)`);
  const v = BigInt(m[1]) * 10000n + BigInt((m[2] || "").padEnd(4, "0"));
  if (v > 1000000n) throw new Error("a percentage is at most 100");
  return v.toString();
}

function argsOf(form) {
  const args = {};
  for (const input of form.querySelectorAll("input[name], select[name]")) {
    const raw = input.value.trim();
    if (raw === "" && input.dataset.optional !== undefined) continue;
    const unit = input.dataset.unit;
    args[input.name] = unit === "LPT" || unit === "ETH" ? toWei(raw) : unit === "percent" ? toPerc(raw) : raw;
  }
  return args;
}

const panel = document.getElementById("signer");
const status = document.getElementById("action-status");
const chainId = Number(panel?.dataset.chainId || "0");
const ledger = panel?.dataset.ledger || "devnet";
const STATUS_KEY = "lp-action-status";
const say = (text, cls) => {
  if (!status) return;
  status.textContent = text;
  status.className = cls || "";
};

async function sign(action, args) {
  const nonce = hex(crypto.getRandomValues(new Uint8Array(32)));
  const deadline = String(Math.floor(Date.now() / 1000) + 300);
  const message = { action, args: canonical(args), nonce, deadline };
  const keyInput = document.getElementById("signer-key");
  const key = keyInput?.value.trim() || "";
  if (key !== "") {
    if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key)) throw new Error("the key must be 32 bytes of hex");
    ({ secp256k1, keccak_256 } = await noble());
    const sk = unhex(key);
    const sig = secp256k1.sign(digest(chainId, message), sk, { prehash: false, format: "recovered" });
    const v = Uint8Array.of(27 + sig[0]);
    return { signer: addressOfKey(sk), nonce, deadline, signature: hex(concat(sig.slice(1), v)) };
  }
  const eth = window.ethereum;
  if (!eth) throw new Error("paste a test key, or open this page in a browser with a wallet");
  const [signer] = await eth.request({ method: "eth_requestAccounts" });
  const typed = {
    types: {
      EIP712Domain: [
        { name: "name", type: "string" },
        { name: "version", type: "string" },
        { name: "chainId", type: "uint256" },
      ],
      StakingRequest: [
        { name: "action", type: "string" },
        { name: "args", type: "string" },
        { name: "nonce", type: "bytes32" },
        { name: "deadline", type: "uint256" },
      ],
    },
    domain: { name: "Livepeer Edge", version: "1", chainId },
    primaryType: "StakingRequest",
    message,
  };
  const signature = await eth.request({
    method: "eth_signTypedData_v4",
    params: [signer, JSON.stringify(typed)],
  });
  return { signer, nonce, deadline, signature };
}

const quantity = (dec) => `0x${BigInt(dec).toString(16)}`;

/** Polls the wallet's node for the receipt (EIP-1193 forwards eth_getTransactionReceipt). */
async function receiptOf(eth, hash) {
  const until = Date.now() + 15 * 60_000;
  for (;;) {
    const r = await eth.request({ method: "eth_getTransactionReceipt", params: [hash] });
    if (r) return r;
    if (Date.now() > until) throw new Error(`no receipt for ${hash} after 15 minutes`);
    await new Promise((done) => setTimeout(done, 1000));
  }
}

/** Chain ledger: build through the edge, send each transaction from the wallet, wait for each receipt. */
async function sendFromWallet(action, args) {
  const eth = window.ethereum;
  if (!eth)
    throw new Error("on this chain your wallet sends the transaction: open the page in a browser with one");
  const [from] = await eth.request({ method: "eth_requestAccounts" });
  const walletChain = Number(await eth.request({ method: "eth_chainId" }));
  if (walletChain !== chainId) {
    throw new Error(`the wallet is on chain ${walletChain}; switch it to chain ${chainId}`);
  }
  say(`Building ${action}…`);
  const res = await fetch(`/v1/staking/tx/${action}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ from, args }),
  });
  const body = await res.json();
  if (!res.ok) {
    say(`${action} refused: ${body.code || res.status}: ${body.detail || body.title || ""}`, "bad");
    return;
  }
  const hashes = [];
  for (const [i, tx] of body.transactions.entries()) {
    say(`Confirm ${tx.function} in your wallet (${i + 1} of ${body.transactions.length})…`);
    // The wallet picks nonce, fees and gas; the edge's estimate is only what it saw.
    const hash = await eth.request({
      method: "eth_sendTransaction",
      params: [{ from, to: tx.to, data: tx.data, value: quantity(tx.value) }],
    });
    say(`${tx.function} sent (${hash}); waiting for it to be mined…`);
    const receipt = await receiptOf(eth, hash);
    if (receipt.status !== "0x1") throw new Error(`${tx.function} reverted (${hash})`);
    hashes.push(`${tx.function} ${hash}`);
  }
  // Shown again after the reload that brings the new numbers.
  sessionStorage.setItem(STATUS_KEY, `${action} mined: ${hashes.join(", ")}`);
  document.body.dataset.applied = action;
  location.reload();
}

const kept = sessionStorage.getItem(STATUS_KEY);
if (kept) {
  sessionStorage.removeItem(STATUS_KEY);
  say(kept, "ok");
  if (status) status.dataset.txs = kept;
}

for (const form of document.querySelectorAll("form[data-action]")) {
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const action = form.dataset.action;
    try {
      const args = argsOf(form);
      if (ledger === "chain") return await sendFromWallet(action, args);
      say(`Signing ${action}…`);
      const signed = await sign(action, args);
      const res = await fetch(`/v1/staking/${action}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...signed, args }),
      });
      const body = await res.json();
      if (!res.ok) {
        say(`${action} refused: ${body.code || res.status}: ${body.detail || body.title || ""}`, "bad");
        return;
      }
      say(`${action} applied in round ${body.round} (${body.ref}); reloading…`, "ok");
      document.body.dataset.applied = action;
      location.reload();
    } catch (err) {
      say(`${action} not sent: ${err.message}`, "bad");
    }
  });
}
if (panel) panel.dataset.ready = "true";
