// Click a token to copy it (Clipboard API where allowed, a hidden text field otherwise).
document.querySelectorAll("button.token").forEach((button) => {
  button.addEventListener("click", async () => {
    const token = button.dataset.token;
    try {
      await navigator.clipboard.writeText(token);
    } catch (_error) {
      const field = document.createElement("textarea");
      field.value = token;
      document.body.appendChild(field);
      field.select();
      document.execCommand("copy");
      field.remove();
    }
    button.classList.add("copied");
    button.textContent = "copied";
    setTimeout(() => { button.classList.remove("copied"); button.textContent = token; }, 1200);
  });
});
