// Security keys and passkeys on the staff pages (progressive enhancement: without JavaScript the
// authenticator app does everything). django-otp-webauthn's own script, loaded after this one, runs the
// ceremony; it calls a global gettext() for every message it shows, answered here from the table the page
// carries (our translations, in the page's language). Once a key is added the page loads again to list it.
const table = document.getElementById("st-webauthn-messages");
const messages = table ? JSON.parse(table.textContent) : {};

window.gettext = (text) => messages[text] ?? messages["*"] ?? text;

document.addEventListener("otp_webauthn.register_complete", () => {
  window.location.reload();
});
