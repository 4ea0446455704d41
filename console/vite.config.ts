import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

// Served by the app at /console/ (app/console/static.py); `npm run dev` proxies the API to `make run`'s server.
export default defineConfig({
  base: '/console/',
  plugins: [vue()],
  server: { proxy: { '/api': 'http://127.0.0.1:8000' } },
  build: { chunkSizeWarningLimit: 900 },
  test: { include: ['tests/unit/**/*.test.ts'] },
})
