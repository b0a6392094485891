// Registers this browser for web push: the service worker, the browser's subscription with
// the city's VAPID key, and the subscription sent to the API (a session request with CSRF).
(function () {
  const button = document.getElementById("push-enable");
  const status = document.getElementById("push-status");
  if (!button) return;
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
    button.disabled = true;
    status.textContent = button.dataset.unsupported || "";
    return;
  }
  function keyBytes(base64) {
    const padded = (base64 + "=".repeat((4 - (base64.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }
  function csrf() {
    const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  button.addEventListener("click", async () => {
    try {
      const registration = await navigator.serviceWorker.register(button.dataset.worker, { scope: "/" });
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(button.dataset.key),
      });
      const json = subscription.toJSON();
      const response = await fetch(button.dataset.api, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        credentials: "same-origin",
        body: JSON.stringify({ endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth }),
      });
      status.textContent = response.ok ? button.dataset.done || "OK" : button.dataset.failed || "Error";
    } catch (error) {
      status.textContent = String(error);
    }
  });
})();
