// Success and error feedback an associate notices without looking: a
// coloured bar with the message (read out by screen readers), a flash of the
// screen's edge, and a beep made with WebAudio (no sound files).

let audio = null;
let hideTimer = 0;

// Browsers allow sound only after a user gesture: the first key or tap
// creates the audio context.
function unlockAudio() {
  if (audio) return;
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (Ctx) audio = new Ctx();
}
window.addEventListener('keydown', unlockAudio, { capture: true });
window.addEventListener('pointerdown', unlockAudio, { capture: true });

function tone(freq, start, length, type = 'sine') {
  if (!audio) return;
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.type = type;
  osc.frequency.value = freq;
  const t = audio.currentTime + start;
  gain.gain.setValueAtTime(0.0001, t);
  gain.gain.exponentialRampToValueAtTime(0.3, t + 0.01);
  gain.gain.exponentialRampToValueAtTime(0.0001, t + length);
  osc.connect(gain).connect(audio.destination);
  osc.start(t);
  osc.stop(t + length + 0.02);
}

export const beep = {
  ok: () => tone(1046, 0, 0.12),
  done: () => { tone(784, 0, 0.1); tone(1046, 0.12, 0.1); tone(1318, 0.24, 0.16); },
  bad: () => { tone(220, 0, 0.18, 'square'); tone(180, 0.24, 0.28, 'square'); },
};

function show(kind, message, sound) {
  const el = document.getElementById('feedback');
  el.className = `feedback ${kind}`;
  el.dataset.kind = kind;
  el.textContent = message;
  el.hidden = false;
  document.body.classList.remove('flash-ok', 'flash-bad');
  if (kind !== 'info') document.body.classList.add(kind === 'ok' ? 'flash-ok' : 'flash-bad');
  sound?.();
  clearTimeout(hideTimer);
  // Errors stay until the next message: the associate must be able to read them.
  if (kind !== 'bad') {
    hideTimer = setTimeout(() => {
      document.body.classList.remove('flash-ok', 'flash-bad');
    }, 1200);
  }
}

export const feedback = {
  ok: (message) => show('ok', message, beep.ok),
  done: (message) => show('ok', message, beep.done),
  bad: (message) => show('bad', message, beep.bad),
  info: (message) => show('info', message),
  clear: () => {
    const el = document.getElementById('feedback');
    el.hidden = true;
    el.textContent = '';
    delete el.dataset.kind;
    document.body.classList.remove('flash-ok', 'flash-bad');
  },
};
