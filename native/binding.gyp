{
  "targets": [
    {
      "target_name": "page_out",
      "sources": ["page-out.c"]
    },
    {
      "target_name": "exit_now",
      "sources": ["exit-now.c"]
    }
  ]
}
