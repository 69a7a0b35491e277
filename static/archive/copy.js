// A «Sao chép» button (data-copy: the id of the element or input whose text it copies).
// Without script it stays hidden. The clipboard API is refused to a page not served over https (an intranet
// address): the text is then selected for Ctrl+C, and the status says so.
document.querySelectorAll("button[data-copy]").forEach((button) => {
  button.hidden = false;
  const status = button.parentElement.querySelector(".copy-status");
  button.addEventListener("click", async () => {
    const source = document.getElementById(button.dataset.copy);
    try {
      await navigator.clipboard.writeText((source.value ?? source.innerText).trim());
      status.textContent = button.dataset.copied;
    } catch (error) {
      if (source.select) {  // an input: its own selection
        source.select();
        status.textContent = button.dataset.selected;
        return;
      }
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      status.textContent = button.dataset.selected;
    }
  });
});
