// Shows the city's web push notifications and opens their link when clicked.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { title: event.data ? event.data.text() : "" };
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "", {
      body: data.body || "",
      data: { url: data.url || "/", opened: data.opened || "" },
      lang: "uk",
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const { url, opened } = event.notification.data;
  // Report the click (the delivery's "opened"), then open the page.
  const report = opened ? fetch(opened, { method: "POST" }).catch(() => null) : Promise.resolve();
  event.waitUntil(Promise.all([report, self.clients.openWindow(url || "/")]));
});
