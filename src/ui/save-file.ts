// Saves bytes or text as a download named by the caller (the browser's own save flow; nothing is uploaded).
export function saveFile(name: string, content: Uint8Array | string, type = 'application/octet-stream'): void {
  const blob = new Blob([typeof content === 'string' ? content : new Uint8Array(content)], { type });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
